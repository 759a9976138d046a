// Forward and backward on bf16 data with a bf16 bias and bias gradient and
// no masks: B=1, S=2, R=11, H=4, C=16. Input of msa-run.mlir.
func.func @training_step_bf16(
    %v: memref<1x2x11x4x16xbf16>, %bias: memref<1x11x11x4xbf16>,
    %gate: memref<1x2x11x4x16xbf16>, %out: memref<1x2x11x4x16xbf16>,
    %lse: memref<1x4x11xf32>, %dout: memref<1x2x11x4x16xbf16>,
    %dv: memref<1x2x11x4x16xbf16>, %dbias: memref<1x11x11x4xbf16>,
    %dgate: memref<1x2x11x4x16xbf16>) {
  msa.pair_weighted_average v(%v : memref<1x2x11x4x16xbf16>)
      bias(%bias : memref<1x11x11x4xbf16>)
      gate(%gate : memref<1x2x11x4x16xbf16>)
      out(%out : memref<1x2x11x4x16xbf16>)
      lse(%lse : memref<1x4x11xf32>)
  msa.pair_weighted_average_grad dout(%dout : memref<1x2x11x4x16xbf16>)
      v(%v : memref<1x2x11x4x16xbf16>)
      bias(%bias : memref<1x11x11x4xbf16>)
      gate(%gate : memref<1x2x11x4x16xbf16>)
      out(%out : memref<1x2x11x4x16xbf16>)
      lse(%lse : memref<1x4x11xf32>)
      dv(%dv : memref<1x2x11x4x16xbf16>)
      dbias(%dbias : memref<1x11x11x4xbf16>)
      dgate(%dgate : memref<1x2x11x4x16xbf16>)
  return
}
