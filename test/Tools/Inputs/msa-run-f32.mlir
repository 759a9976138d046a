// The unfused chain on f32 data with only a pair mask and the default inf:
// B=1, S=4, R=19, H=3, C=5. msa-run fuses it before running. Input of
// msa-run.mlir.
func.func @chain_f32(
    %v: memref<1x4x19x3x5xf32>, %bias: memref<1x19x19x3xf32>,
    %gate: memref<1x4x19x3x5xf32>, %pair_mask: memref<1x19x19xf32>,
    %out: memref<1x4x19x3x5xf32>) {
  %w = memref.alloc() : memref<1x19x19x3xf32>
  msa.masked_softmax bias(%bias : memref<1x19x19x3xf32>)
      pair_mask(%pair_mask : memref<1x19x19xf32>)
      weights(%w : memref<1x19x19x3xf32>)
  %o = memref.alloc() : memref<1x4x19x3x5xf32>
  msa.weighted_sum weights(%w : memref<1x19x19x3xf32>)
      v(%v : memref<1x4x19x3x5xf32>)
      out(%o : memref<1x4x19x3x5xf32>)
  memref.dealloc %w : memref<1x19x19x3xf32>
  msa.sigmoid_gate input(%o : memref<1x4x19x3x5xf32>)
      gate(%gate : memref<1x4x19x3x5xf32>)
      out(%out : memref<1x4x19x3x5xf32>)
  memref.dealloc %o : memref<1x4x19x3x5xf32>
  return
}

// A private helper is not a candidate entry point.
func.func private @helper(%x: memref<4xf32>) {
  return
}
