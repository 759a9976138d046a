// The fused op on f32 data in tf32 mode, with an MSA mask and lse: checked
// against the tf32 limit. Input of msa-run.mlir.
func.func @forward_tf32(
    %v: memref<1x2x9x2x16xf32>, %bias: memref<1x9x9x2xf32>,
    %gate: memref<1x2x9x2x16xf32>, %msa_mask: memref<1x2x9xf32>,
    %out: memref<1x2x9x2x16xf32>, %lse: memref<1x2x9xf32>) {
  msa.pair_weighted_average v(%v : memref<1x2x9x2x16xf32>)
      bias(%bias : memref<1x9x9x2xf32>)
      gate(%gate : memref<1x2x9x2x16xf32>)
      msa_mask(%msa_mask : memref<1x2x9xf32>)
      out(%out : memref<1x2x9x2x16xf32>)
      lse(%lse : memref<1x2x9xf32>) {precision = #msa.precision<tf32>}
  return
}
