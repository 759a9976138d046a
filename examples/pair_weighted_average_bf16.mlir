// AlphaFold3 Algorithm 10's core as a frontend writes it: three unfused steps
// linked through local buffers. `msa-run` fuses the chain into
// msa.pair_weighted_average, lowers it for the CPU and checks the result
// against the float64 reference. Odd sizes on purpose: B=2, S=5, R=33, H=8,
// C=32, bf16, with a pair mask and an MSA mask.
func.func @pair_weighted_average(
    %v: memref<2x5x33x8x32xbf16>, %bias: memref<2x33x33x8xbf16>,
    %gate: memref<2x5x33x8x32xbf16>, %pair_mask: memref<2x33x33xbf16>,
    %msa_mask: memref<2x5x33xbf16>, %out: memref<2x5x33x8x32xbf16>) {
  %w = memref.alloc() : memref<2x33x33x8xf32>
  msa.masked_softmax bias(%bias : memref<2x33x33x8xbf16>)
      pair_mask(%pair_mask : memref<2x33x33xbf16>)
      weights(%w : memref<2x33x33x8xf32>) {inf = 1.0e9 : f64}
  %o = memref.alloc() : memref<2x5x33x8x32xf32>
  msa.weighted_sum weights(%w : memref<2x33x33x8xf32>)
      v(%v : memref<2x5x33x8x32xbf16>)
      msa_mask(%msa_mask : memref<2x5x33xbf16>)
      out(%o : memref<2x5x33x8x32xf32>)
  memref.dealloc %w : memref<2x33x33x8xf32>
  msa.sigmoid_gate input(%o : memref<2x5x33x8x32xf32>)
      gate(%gate : memref<2x5x33x8x32xbf16>)
      out(%out : memref<2x5x33x8x32xbf16>)
  memref.dealloc %o : memref<2x5x33x8x32xf32>
  return
}
