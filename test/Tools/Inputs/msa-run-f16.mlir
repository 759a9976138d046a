// Forward and backward of the fused op on f16 data with an f32 bias (and
// f32 bias gradient), f16 masks, Boltz's inf and odd sizes: B=2, S=3, R=13,
// H=2, C=8. Input of msa-run.mlir.
func.func @training_step_f16(
    %v: memref<2x3x13x2x8xf16>, %bias: memref<2x13x13x2xf32>,
    %gate: memref<2x3x13x2x8xf16>, %pair_mask: memref<2x13x13xf16>,
    %msa_mask: memref<2x3x13xf16>, %out: memref<2x3x13x2x8xf16>,
    %lse: memref<2x2x13xf32>, %dout: memref<2x3x13x2x8xf16>,
    %dv: memref<2x3x13x2x8xf16>, %dbias: memref<2x13x13x2xf32>,
    %dgate: memref<2x3x13x2x8xf16>) {
  msa.pair_weighted_average v(%v : memref<2x3x13x2x8xf16>)
      bias(%bias : memref<2x13x13x2xf32>)
      gate(%gate : memref<2x3x13x2x8xf16>)
      pair_mask(%pair_mask : memref<2x13x13xf16>)
      msa_mask(%msa_mask : memref<2x3x13xf16>)
      out(%out : memref<2x3x13x2x8xf16>)
      lse(%lse : memref<2x2x13xf32>) {inf = 1.0e6 : f64}
  msa.pair_weighted_average_grad dout(%dout : memref<2x3x13x2x8xf16>)
      v(%v : memref<2x3x13x2x8xf16>)
      bias(%bias : memref<2x13x13x2xf32>)
      gate(%gate : memref<2x3x13x2x8xf16>)
      out(%out : memref<2x3x13x2x8xf16>)
      lse(%lse : memref<2x2x13xf32>)
      pair_mask(%pair_mask : memref<2x13x13xf16>)
      msa_mask(%msa_mask : memref<2x3x13xf16>)
      dv(%dv : memref<2x3x13x2x8xf16>)
      dbias(%dbias : memref<2x13x13x2xf32>)
      dgate(%dgate : memref<2x3x13x2x8xf16>) {inf = 1.0e6 : f64}
  return
}
