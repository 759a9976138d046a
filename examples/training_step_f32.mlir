// Forward and backward of the fused op, as a training step runs them: the
// forward saves `out` and the row log-sum-exp `lse`, the gradient op reads
// them back with the upstream gradient `dout`. f32, B=1, S=3, R=17, H=4,
// C=16, with both masks (AF3's mask value, inf = 1e9).
func.func @training_step(
    %v: memref<1x3x17x4x16xf32>, %bias: memref<1x17x17x4xf32>,
    %gate: memref<1x3x17x4x16xf32>, %pair_mask: memref<1x17x17xf32>,
    %msa_mask: memref<1x3x17xf32>, %out: memref<1x3x17x4x16xf32>,
    %lse: memref<1x4x17xf32>, %dout: memref<1x3x17x4x16xf32>,
    %dv: memref<1x3x17x4x16xf32>, %dbias: memref<1x17x17x4xf32>,
    %dgate: memref<1x3x17x4x16xf32>) {
  msa.pair_weighted_average v(%v : memref<1x3x17x4x16xf32>)
      bias(%bias : memref<1x17x17x4xf32>)
      gate(%gate : memref<1x3x17x4x16xf32>)
      pair_mask(%pair_mask : memref<1x17x17xf32>)
      msa_mask(%msa_mask : memref<1x3x17xf32>)
      out(%out : memref<1x3x17x4x16xf32>)
      lse(%lse : memref<1x4x17xf32>) {inf = 1.0e9 : f64}
  msa.pair_weighted_average_grad dout(%dout : memref<1x3x17x4x16xf32>)
      v(%v : memref<1x3x17x4x16xf32>)
      bias(%bias : memref<1x17x17x4xf32>)
      gate(%gate : memref<1x3x17x4x16xf32>)
      out(%out : memref<1x3x17x4x16xf32>)
      lse(%lse : memref<1x4x17xf32>)
      pair_mask(%pair_mask : memref<1x17x17xf32>)
      msa_mask(%msa_mask : memref<1x3x17xf32>)
      dv(%dv : memref<1x3x17x4x16xf32>)
      dbias(%dbias : memref<1x17x17x4xf32>)
      dgate(%dgate : memref<1x3x17x4x16xf32>) {inf = 1.0e9 : f64}
  return
}
