// msa-fuse-pair-weighted-average: the chain masked_softmax -> weighted_sum ->
// sigmoid_gate through two local buffers becomes one
// msa.pair_weighted_average; a chain that cannot be fused safely stays as it
// is, with a remark on the gate that says why.

// RUN: msa-opt %s -msa-fuse-pair-weighted-average -split-input-file -verify-diagnostics | FileCheck %s

//===----------------------------------------------------------------------===//
// Chains that fuse
//===----------------------------------------------------------------------===//

// Both masks, both deallocations, bf16 data with an f32 bias, and an inf
// that the fused op takes over from the softmax.
// CHECK-LABEL: func.func @fuse_all_operands(
// CHECK-SAME:      %[[V:[^:]*]]: memref<2x5x33x8x32xbf16>, %[[BIAS:[^:]*]]: memref<2x33x33x8xf32>,
// CHECK-SAME:      %[[GATE:[^:]*]]: memref<2x5x33x8x32xbf16>, %[[PM:[^:]*]]: memref<2x33x33xbf16>,
// CHECK-SAME:      %[[MM:[^:]*]]: memref<2x5x33xbf16>, %[[OUT:[^:]*]]: memref<2x5x33x8x32xbf16>)
// CHECK-NOT:     memref.alloc
// CHECK-NOT:     msa.masked_softmax
// CHECK-NOT:     msa.weighted_sum
// CHECK-NOT:     msa.sigmoid_gate
// CHECK:         msa.pair_weighted_average v(%[[V]] : memref<2x5x33x8x32xbf16>)
// CHECK-SAME:      bias(%[[BIAS]] : memref<2x33x33x8xf32>) gate(%[[GATE]] : memref<2x5x33x8x32xbf16>)
// CHECK-SAME:      pair_mask(%[[PM]] : memref<2x33x33xbf16>) msa_mask(%[[MM]] : memref<2x5x33xbf16>)
// CHECK-SAME:      out(%[[OUT]] : memref<2x5x33x8x32xbf16>) {inf = 1.000000e+09 : f64}{{$}}
// CHECK-NOT:     memref.dealloc
// CHECK-NEXT:    return
func.func @fuse_all_operands(
    %v: memref<2x5x33x8x32xbf16>, %bias: memref<2x33x33x8xf32>,
    %gate: memref<2x5x33x8x32xbf16>, %pm: memref<2x33x33xbf16>,
    %mm: memref<2x5x33xbf16>, %out: memref<2x5x33x8x32xbf16>) {
  %w = memref.alloc() : memref<2x33x33x8xf32>
  msa.masked_softmax bias(%bias : memref<2x33x33x8xf32>)
      pair_mask(%pm : memref<2x33x33xbf16>)
      weights(%w : memref<2x33x33x8xf32>) {inf = 1.0e9 : f64}
  %o = memref.alloc() : memref<2x5x33x8x32xf32>
  msa.weighted_sum weights(%w : memref<2x33x33x8xf32>)
      v(%v : memref<2x5x33x8x32xbf16>)
      msa_mask(%mm : memref<2x5x33xbf16>)
      out(%o : memref<2x5x33x8x32xf32>)
  memref.dealloc %w : memref<2x33x33x8xf32>
  msa.sigmoid_gate input(%o : memref<2x5x33x8x32xf32>)
      gate(%gate : memref<2x5x33x8x32xbf16>)
      out(%out : memref<2x5x33x8x32xbf16>)
  memref.dealloc %o : memref<2x5x33x8x32xf32>
  return
}

// -----

// No masks, no deallocations, the default inf (not printed on the result),
// and intermediates in bf16, narrower than the f32 data.
// CHECK-LABEL: func.func @fuse_no_masks(
// CHECK-SAME:      %[[V:[^:]*]]: memref<1x4x16x2x8xf32>, %[[BIAS:[^:]*]]: memref<1x16x16x2xf32>,
// CHECK-SAME:      %[[GATE:[^:]*]]: memref<1x4x16x2x8xf32>, %[[OUT:[^:]*]]: memref<1x4x16x2x8xf32>)
// CHECK-NEXT:    msa.pair_weighted_average v(%[[V]] : memref<1x4x16x2x8xf32>)
// CHECK-SAME:      bias(%[[BIAS]] : memref<1x16x16x2xf32>) gate(%[[GATE]] : memref<1x4x16x2x8xf32>)
// CHECK-SAME:      out(%[[OUT]] : memref<1x4x16x2x8xf32>){{$}}
// CHECK-NEXT:    return
func.func @fuse_no_masks(%v: memref<1x4x16x2x8xf32>, %bias: memref<1x16x16x2xf32>,
                         %gate: memref<1x4x16x2x8xf32>, %out: memref<1x4x16x2x8xf32>) {
  %w = memref.alloc() : memref<1x16x16x2xbf16>
  msa.masked_softmax bias(%bias : memref<1x16x16x2xf32>)
      weights(%w : memref<1x16x16x2xbf16>)
  %o = memref.alloc() : memref<1x4x16x2x8xbf16>
  msa.weighted_sum weights(%w : memref<1x16x16x2xbf16>)
      v(%v : memref<1x4x16x2x8xf32>)
      out(%o : memref<1x4x16x2x8xbf16>)
  msa.sigmoid_gate input(%o : memref<1x4x16x2x8xbf16>)
      gate(%gate : memref<1x4x16x2x8xf32>)
      out(%out : memref<1x4x16x2x8xf32>)
  return
}

// -----

// Only a pair mask (f32 mask on f16 data); only the weights are deallocated.
// CHECK-LABEL: func.func @fuse_pair_mask_only(
// CHECK-SAME:      %[[V:[^:]*]]: memref<1x4x16x2x8xf16>, %[[BIAS:[^:]*]]: memref<1x16x16x2xf16>,
// CHECK-SAME:      %[[PM:[^:]*]]: memref<1x16x16xf32>, %[[OUT:[^:]*]]: memref<1x4x16x2x8xf16>)
// CHECK-NEXT:    msa.pair_weighted_average v(%[[V]] : memref<1x4x16x2x8xf16>)
// CHECK-SAME:      bias(%[[BIAS]] : memref<1x16x16x2xf16>) gate(%[[V]] : memref<1x4x16x2x8xf16>)
// CHECK-SAME:      pair_mask(%[[PM]] : memref<1x16x16xf32>) out(%[[OUT]] : memref<1x4x16x2x8xf16>)
// CHECK-SAME:      {inf = 1.000000e+06 : f64}{{$}}
// CHECK-NEXT:    return
func.func @fuse_pair_mask_only(%v: memref<1x4x16x2x8xf16>, %bias: memref<1x16x16x2xf16>,
                               %pm: memref<1x16x16xf32>, %out: memref<1x4x16x2x8xf16>) {
  %w = memref.alloc() : memref<1x16x16x2xf32>
  msa.masked_softmax bias(%bias : memref<1x16x16x2xf16>)
      pair_mask(%pm : memref<1x16x16xf32>)
      weights(%w : memref<1x16x16x2xf32>) {inf = 1.0e6 : f64}
  %o = memref.alloc() : memref<1x4x16x2x8xf32>
  msa.weighted_sum weights(%w : memref<1x16x16x2xf32>)
      v(%v : memref<1x4x16x2x8xf16>)
      out(%o : memref<1x4x16x2x8xf32>)
  memref.dealloc %w : memref<1x16x16x2xf32>
  msa.sigmoid_gate input(%o : memref<1x4x16x2x8xf32>)
      gate(%v : memref<1x4x16x2x8xf16>)
      out(%out : memref<1x4x16x2x8xf16>)
  return
}

// -----

// Only an MSA mask; only the weighted sum is deallocated.
// CHECK-LABEL: func.func @fuse_msa_mask_only(
// CHECK-SAME:      %[[V:[^:]*]]: memref<1x4x16x2x8xbf16>, %[[BIAS:[^:]*]]: memref<1x16x16x2xbf16>,
// CHECK-SAME:      %[[GATE:[^:]*]]: memref<1x4x16x2x8xbf16>, %[[MM:[^:]*]]: memref<1x4x16xf16>,
// CHECK-SAME:      %[[OUT:[^:]*]]: memref<1x4x16x2x8xbf16>)
// CHECK-NEXT:    msa.pair_weighted_average v(%[[V]] : memref<1x4x16x2x8xbf16>)
// CHECK-SAME:      bias(%[[BIAS]] : memref<1x16x16x2xbf16>) gate(%[[GATE]] : memref<1x4x16x2x8xbf16>)
// CHECK-SAME:      msa_mask(%[[MM]] : memref<1x4x16xf16>) out(%[[OUT]] : memref<1x4x16x2x8xbf16>){{$}}
// CHECK-NEXT:    return
func.func @fuse_msa_mask_only(%v: memref<1x4x16x2x8xbf16>, %bias: memref<1x16x16x2xbf16>,
                              %gate: memref<1x4x16x2x8xbf16>, %mm: memref<1x4x16xf16>,
                              %out: memref<1x4x16x2x8xbf16>) {
  %w = memref.alloc() : memref<1x16x16x2xf32>
  msa.masked_softmax bias(%bias : memref<1x16x16x2xbf16>)
      weights(%w : memref<1x16x16x2xf32>)
  %o = memref.alloc() : memref<1x4x16x2x8xf32>
  msa.weighted_sum weights(%w : memref<1x16x16x2xf32>)
      v(%v : memref<1x4x16x2x8xbf16>)
      msa_mask(%mm : memref<1x4x16xf16>)
      out(%o : memref<1x4x16x2x8xf32>)
  msa.sigmoid_gate input(%o : memref<1x4x16x2x8xf32>)
      gate(%gate : memref<1x4x16x2x8xbf16>)
      out(%out : memref<1x4x16x2x8xbf16>)
  memref.dealloc %o : memref<1x4x16x2x8xf32>
  return
}

// -----

// Dynamic shapes: the intermediates are sized with memref.dim; the size
// computations stay, the buffers go.
// CHECK-LABEL: func.func @fuse_dynamic(
// CHECK-SAME:      %[[V:[^:]*]]: memref<?x?x?x?x?xf32>, %[[BIAS:[^:]*]]: memref<?x?x?x?xf32>,
// CHECK-SAME:      %[[GATE:[^:]*]]: memref<?x?x?x?x?xf32>, %[[PM:[^:]*]]: memref<?x?x?xf32>,
// CHECK-SAME:      %[[MM:[^:]*]]: memref<?x?x?xf32>, %[[OUT:[^:]*]]: memref<?x?x?x?x?xf32>)
// CHECK-NOT:     memref.alloc
// CHECK:         msa.pair_weighted_average v(%[[V]] : memref<?x?x?x?x?xf32>)
// CHECK-SAME:      bias(%[[BIAS]] : memref<?x?x?x?xf32>) gate(%[[GATE]] : memref<?x?x?x?x?xf32>)
// CHECK-SAME:      pair_mask(%[[PM]] : memref<?x?x?xf32>) msa_mask(%[[MM]] : memref<?x?x?xf32>)
// CHECK-SAME:      out(%[[OUT]] : memref<?x?x?x?x?xf32>) {inf = 1.000000e+09 : f64}{{$}}
// CHECK-NOT:     memref.dealloc
// CHECK-NOT:     msa.sigmoid_gate
// CHECK:         return
func.func @fuse_dynamic(%v: memref<?x?x?x?x?xf32>, %bias: memref<?x?x?x?xf32>,
                        %gate: memref<?x?x?x?x?xf32>, %pm: memref<?x?x?xf32>,
                        %mm: memref<?x?x?xf32>, %out: memref<?x?x?x?x?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %b = memref.dim %v, %c0 : memref<?x?x?x?x?xf32>
  %s = memref.dim %v, %c1 : memref<?x?x?x?x?xf32>
  %r = memref.dim %v, %c2 : memref<?x?x?x?x?xf32>
  %h = memref.dim %v, %c3 : memref<?x?x?x?x?xf32>
  %c = memref.dim %v, %c4 : memref<?x?x?x?x?xf32>
  %w = memref.alloc(%b, %r, %r, %h) : memref<?x?x?x?xf32>
  msa.masked_softmax bias(%bias : memref<?x?x?x?xf32>)
      pair_mask(%pm : memref<?x?x?xf32>)
      weights(%w : memref<?x?x?x?xf32>) {inf = 1.0e9 : f64}
  %o = memref.alloc(%b, %s, %r, %h, %c) : memref<?x?x?x?x?xf32>
  msa.weighted_sum weights(%w : memref<?x?x?x?xf32>)
      v(%v : memref<?x?x?x?x?xf32>)
      msa_mask(%mm : memref<?x?x?xf32>)
      out(%o : memref<?x?x?x?x?xf32>)
  memref.dealloc %w : memref<?x?x?x?xf32>
  msa.sigmoid_gate input(%o : memref<?x?x?x?x?xf32>)
      gate(%gate : memref<?x?x?x?x?xf32>)
      out(%out : memref<?x?x?x?x?xf32>)
  memref.dealloc %o : memref<?x?x?x?x?xf32>
  return
}

// -----

// Dynamic intermediates between static operands that agree: fused.
// CHECK-LABEL: func.func @fuse_dynamic_intermediates(
// CHECK-SAME:      %[[V:[^:]*]]: memref<1x4x16x2x8xf32>, %[[BIAS:[^:]*]]: memref<1x16x16x2xf32>,
// CHECK-SAME:      %[[OUT:[^:]*]]: memref<1x4x16x2x8xf32>, %{{[^:]*}}: index)
// CHECK-NOT:     memref.alloc
// CHECK:         msa.pair_weighted_average v(%[[V]] : memref<1x4x16x2x8xf32>)
// CHECK-SAME:      bias(%[[BIAS]] : memref<1x16x16x2xf32>) gate(%[[V]] : memref<1x4x16x2x8xf32>)
// CHECK-SAME:      out(%[[OUT]] : memref<1x4x16x2x8xf32>){{$}}
// CHECK-NEXT:    return
func.func @fuse_dynamic_intermediates(%v: memref<1x4x16x2x8xf32>, %bias: memref<1x16x16x2xf32>,
                                      %out: memref<1x4x16x2x8xf32>, %n: index) {
  %w = memref.alloc(%n, %n) : memref<1x?x?x2xf32>
  msa.masked_softmax bias(%bias : memref<1x16x16x2xf32>)
      weights(%w : memref<1x?x?x2xf32>)
  %o = memref.alloc(%n) : memref<1x4x?x2x8xf32>
  msa.weighted_sum weights(%w : memref<1x?x?x2xf32>)
      v(%v : memref<1x4x16x2x8xf32>)
      out(%o : memref<1x4x?x2x8xf32>)
  msa.sigmoid_gate input(%o : memref<1x4x?x2x8xf32>)
      gate(%v : memref<1x4x16x2x8xf32>)
      out(%out : memref<1x4x16x2x8xf32>)
  return
}

// -----

// Ops between the softmax and the gate that only read memory, allocate or
// compute do not block the rewrite; the fused op sits at the gate.
// CHECK-LABEL: func.func @fuse_with_readers_between(
// CHECK-SAME:      %[[V:[^:]*]]: memref<1x4x16x2x8xf32>, %[[BIAS:[^:]*]]: memref<1x16x16x2xf32>,
// CHECK-SAME:      %[[OUT:[^:]*]]: memref<1x4x16x2x8xf32>, %[[SCRATCH:[^:]*]]: memref<4xf32>)
// CHECK:         %[[X:.*]] = memref.load %[[OUT]]
// CHECK:         %[[BUF:.*]] = memref.alloca() : memref<4xf32>
// CHECK:         %[[Y:.*]] = arith.addf %[[X]], %[[X]] : f32
// CHECK-NEXT:    msa.pair_weighted_average v(%[[V]] : memref<1x4x16x2x8xf32>)
// CHECK-SAME:      out(%[[OUT]] : memref<1x4x16x2x8xf32>)
// CHECK-NEXT:    memref.store %[[Y]], %[[BUF]]
// CHECK-NEXT:    memref.copy %[[BUF]], %[[SCRATCH]]
func.func @fuse_with_readers_between(%v: memref<1x4x16x2x8xf32>, %bias: memref<1x16x16x2xf32>,
                                     %out: memref<1x4x16x2x8xf32>, %scratch: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %w = memref.alloc() : memref<1x16x16x2xf32>
  msa.masked_softmax bias(%bias : memref<1x16x16x2xf32>)
      weights(%w : memref<1x16x16x2xf32>)
  %x = memref.load %out[%c0, %c0, %c0, %c0, %c0] : memref<1x4x16x2x8xf32>
  %buf = memref.alloca() : memref<4xf32>
  %o = memref.alloc() : memref<1x4x16x2x8xf32>
  msa.weighted_sum weights(%w : memref<1x16x16x2xf32>)
      v(%v : memref<1x4x16x2x8xf32>)
      out(%o : memref<1x4x16x2x8xf32>)
  %y = arith.addf %x, %x : f32
  msa.sigmoid_gate input(%o : memref<1x4x16x2x8xf32>)
      gate(%v : memref<1x4x16x2x8xf32>)
      out(%out : memref<1x4x16x2x8xf32>)
  memref.store %y, %buf[%c0] : memref<4xf32>
  memref.copy %buf, %scratch : memref<4xf32> to memref<4xf32>
  return
}

// -----

// A chain in a loop body is fused in place; two chains in one function are
// both fused.
// CHECK-LABEL: func.func @fuse_in_loop_and_twice(
// CHECK-SAME:      %[[V:[^:]*]]: memref<1x4x16x2x8xf32>, %[[BIAS:[^:]*]]: memref<1x16x16x2xf32>,
// CHECK-SAME:      %[[OUT:[^:]*]]: memref<1x4x16x2x8xf32>, %[[OUT2:[^:]*]]: memref<1x4x16x2x8xf32>,
// CHECK-SAME:      %[[N:[^:]*]]: index)
// CHECK:         scf.for
// CHECK-NEXT:      msa.pair_weighted_average v(%[[V]] : memref<1x4x16x2x8xf32>)
// CHECK-SAME:        out(%[[OUT]] : memref<1x4x16x2x8xf32>){{$}}
// CHECK-NEXT:    }
// CHECK-NEXT:    msa.pair_weighted_average v(%[[OUT]] : memref<1x4x16x2x8xf32>)
// CHECK-SAME:      gate(%[[V]] : memref<1x4x16x2x8xf32>)
// CHECK-SAME:      out(%[[OUT2]] : memref<1x4x16x2x8xf32>) {inf = 1.000000e+09 : f64}{{$}}
// CHECK-NEXT:    return
func.func @fuse_in_loop_and_twice(%v: memref<1x4x16x2x8xf32>, %bias: memref<1x16x16x2xf32>,
                                  %out: memref<1x4x16x2x8xf32>, %out2: memref<1x4x16x2x8xf32>,
                                  %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    %w = memref.alloc() : memref<1x16x16x2xf32>
    msa.masked_softmax bias(%bias : memref<1x16x16x2xf32>)
        weights(%w : memref<1x16x16x2xf32>)
    %o = memref.alloc() : memref<1x4x16x2x8xf32>
    msa.weighted_sum weights(%w : memref<1x16x16x2xf32>)
        v(%v : memref<1x4x16x2x8xf32>)
        out(%o : memref<1x4x16x2x8xf32>)
    memref.dealloc %w : memref<1x16x16x2xf32>
    msa.sigmoid_gate input(%o : memref<1x4x16x2x8xf32>)
        gate(%v : memref<1x4x16x2x8xf32>)
        out(%out : memref<1x4x16x2x8xf32>)
    memref.dealloc %o : memref<1x4x16x2x8xf32>
  }
  %w2 = memref.alloc() : memref<1x16x16x2xf32>
  msa.masked_softmax bias(%bias : memref<1x16x16x2xf32>)
      weights(%w2 : memref<1x16x16x2xf32>) {inf = 1.0e9 : f64}
  %o2 = memref.alloc() : memref<1x4x16x2x8xf32>
  msa.weighted_sum weights(%w2 : memref<1x16x16x2xf32>)
      v(%out : memref<1x4x16x2x8xf32>)
      out(%o2 : memref<1x4x16x2x8xf32>)
  msa.sigmoid_gate input(%o2 : memref<1x4x16x2x8xf32>)
      gate(%v : memref<1x4x16x2x8xf32>)
      out(%out2 : memref<1x4x16x2x8xf32>)
  return
}

// -----

// The examples/ input: the fused op reads what the three steps read.
// CHECK-LABEL: func.func @fuse_af3_example(
// CHECK-SAME:      %[[V:[^:]*]]: memref<2x5x33x8x32xbf16>, %[[BIAS:[^:]*]]: memref<2x33x33x8xbf16>,
// CHECK-SAME:      %[[GATE:[^:]*]]: memref<2x5x33x8x32xbf16>, %[[PM:[^:]*]]: memref<2x33x33xbf16>,
// CHECK-SAME:      %[[MM:[^:]*]]: memref<2x5x33xbf16>, %[[OUT:[^:]*]]: memref<2x5x33x8x32xbf16>)
// CHECK-NEXT:    msa.pair_weighted_average v(%[[V]] : memref<2x5x33x8x32xbf16>)
// CHECK-SAME:      bias(%[[BIAS]] : memref<2x33x33x8xbf16>) gate(%[[GATE]] : memref<2x5x33x8x32xbf16>)
// CHECK-SAME:      pair_mask(%[[PM]] : memref<2x33x33xbf16>) msa_mask(%[[MM]] : memref<2x5x33xbf16>)
// CHECK-SAME:      out(%[[OUT]] : memref<2x5x33x8x32xbf16>) {inf = 1.000000e+09 : f64}{{$}}
// CHECK-NEXT:    return
func.func @fuse_af3_example(
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

//===----------------------------------------------------------------------===//
// Chains that are refused, with a remark on the gate
//===----------------------------------------------------------------------===//

// -----

// CHECK-LABEL: func.func @weights_copied_out(
// CHECK:         %[[W:.*]] = memref.alloc() : memref<1x16x16x2xf32>
// CHECK:         msa.masked_softmax {{.*}} weights(%[[W]]
// CHECK:         %[[O:.*]] = memref.alloc() : memref<1x4x16x2x8xf32>
// CHECK:         msa.weighted_sum weights(%[[W]] {{.*}} out(%[[O]]
// CHECK:         memref.copy %[[W]]
// CHECK:         msa.sigmoid_gate input(%[[O]]
// CHECK-NOT:     msa.pair_weighted_average
func.func @weights_copied_out(%v: memref<1x4x16x2x8xf32>, %bias: memref<1x16x16x2xf32>,
                              %out: memref<1x4x16x2x8xf32>, %saved: memref<1x16x16x2xf32>) {
  %w = memref.alloc() : memref<1x16x16x2xf32>
  msa.masked_softmax bias(%bias : memref<1x16x16x2xf32>)
      weights(%w : memref<1x16x16x2xf32>)
  %o = memref.alloc() : memref<1x4x16x2x8xf32>
  msa.weighted_sum weights(%w : memref<1x16x16x2xf32>)
      v(%v : memref<1x4x16x2x8xf32>)
      out(%o : memref<1x4x16x2x8xf32>)
  memref.copy %w, %saved : memref<1x16x16x2xf32> to memref<1x16x16x2xf32>
  // expected-remark @+1 {{not fused: intermediate 'weights' buffer has another user ('memref.copy')}}
  msa.sigmoid_gate input(%o : memref<1x4x16x2x8xf32>)
      gate(%v : memref<1x4x16x2x8xf32>)
      out(%out : memref<1x4x16x2x8xf32>)
  return
}

// -----

// The weighted sum escapes through the return.
// CHECK-LABEL: func.func @weighted_sum_returned(
// CHECK:         msa.masked_softmax
// CHECK:         msa.weighted_sum
// CHECK:         msa.sigmoid_gate
// CHECK-NOT:     msa.pair_weighted_average
// CHECK:         return %{{.*}} : memref<1x4x16x2x8xf32>
func.func @weighted_sum_returned(%v: memref<1x4x16x2x8xf32>, %bias: memref<1x16x16x2xf32>,
                                 %out: memref<1x4x16x2x8xf32>) -> memref<1x4x16x2x8xf32> {
  %w = memref.alloc() : memref<1x16x16x2xf32>
  msa.masked_softmax bias(%bias : memref<1x16x16x2xf32>)
      weights(%w : memref<1x16x16x2xf32>)
  %o = memref.alloc() : memref<1x4x16x2x8xf32>
  msa.weighted_sum weights(%w : memref<1x16x16x2xf32>)
      v(%v : memref<1x4x16x2x8xf32>)
      out(%o : memref<1x4x16x2x8xf32>)
  // expected-remark @+1 {{not fused: intermediate 'weighted sum' buffer has another user ('func.return')}}
  msa.sigmoid_gate input(%o : memref<1x4x16x2x8xf32>)
      gate(%v : memref<1x4x16x2x8xf32>)
      out(%out : memref<1x4x16x2x8xf32>)
  return %o : memref<1x4x16x2x8xf32>
}

// -----

// CHECK-LABEL: func.func @weighted_sum_stored_to(
// CHECK:         msa.masked_softmax
// CHECK:         msa.weighted_sum
// CHECK:         memref.store
// CHECK:         msa.sigmoid_gate
// CHECK-NOT:     msa.pair_weighted_average
func.func @weighted_sum_stored_to(%v: memref<1x4x16x2x8xf32>, %bias: memref<1x16x16x2xf32>,
                                  %out: memref<1x4x16x2x8xf32>, %x: f32) {
  %c0 = arith.constant 0 : index
  %w = memref.alloc() : memref<1x16x16x2xf32>
  msa.masked_softmax bias(%bias : memref<1x16x16x2xf32>)
      weights(%w : memref<1x16x16x2xf32>)
  %o = memref.alloc() : memref<1x4x16x2x8xf32>
  msa.weighted_sum weights(%w : memref<1x16x16x2xf32>)
      v(%v : memref<1x4x16x2x8xf32>)
      out(%o : memref<1x4x16x2x8xf32>)
  memref.store %x, %o[%c0, %c0, %c0, %c0, %c0] : memref<1x4x16x2x8xf32>
  // expected-remark @+1 {{not fused: intermediate 'weighted sum' buffer has another user ('memref.store')}}
  msa.sigmoid_gate input(%o : memref<1x4x16x2x8xf32>)
      gate(%v : memref<1x4x16x2x8xf32>)
      out(%out : memref<1x4x16x2x8xf32>)
  return
}

// -----

// The gate reads the weighted sum twice.
// CHECK-LABEL: func.func @weighted_sum_read_twice(
// CHECK:         msa.masked_softmax
// CHECK:         msa.weighted_sum
// CHECK:         msa.sigmoid_gate
// CHECK-NOT:     msa.pair_weighted_average
func.func @weighted_sum_read_twice(%v: memref<1x4x16x2x8xf32>, %bias: memref<1x16x16x2xf32>,
                                   %out: memref<1x4x16x2x8xf32>) {
  %w = memref.alloc() : memref<1x16x16x2xf32>
  msa.masked_softmax bias(%bias : memref<1x16x16x2xf32>)
      weights(%w : memref<1x16x16x2xf32>)
  %o = memref.alloc() : memref<1x4x16x2x8xf32>
  msa.weighted_sum weights(%w : memref<1x16x16x2xf32>)
      v(%v : memref<1x4x16x2x8xf32>)
      out(%o : memref<1x4x16x2x8xf32>)
  // expected-remark @+1 {{not fused: intermediate 'weighted sum' buffer is used more than once by the chain}}
  msa.sigmoid_gate input(%o : memref<1x4x16x2x8xf32>)
      gate(%o : memref<1x4x16x2x8xf32>)
      out(%out : memref<1x4x16x2x8xf32>)
  return
}

// -----

// CHECK-LABEL: func.func @weights_deallocated_twice(
// CHECK:         msa.masked_softmax
// CHECK:         msa.weighted_sum
// CHECK:         msa.sigmoid_gate
// CHECK-NOT:     msa.pair_weighted_average
func.func @weights_deallocated_twice(%v: memref<1x4x16x2x8xf32>, %bias: memref<1x16x16x2xf32>,
                                     %out: memref<1x4x16x2x8xf32>) {
  %w = memref.alloc() : memref<1x16x16x2xf32>
  msa.masked_softmax bias(%bias : memref<1x16x16x2xf32>)
      weights(%w : memref<1x16x16x2xf32>)
  %o = memref.alloc() : memref<1x4x16x2x8xf32>
  msa.weighted_sum weights(%w : memref<1x16x16x2xf32>)
      v(%v : memref<1x4x16x2x8xf32>)
      out(%o : memref<1x4x16x2x8xf32>)
  memref.dealloc %w : memref<1x16x16x2xf32>
  // expected-remark @+1 {{not fused: intermediate 'weights' buffer is used more than once by the chain}}
  msa.sigmoid_gate input(%o : memref<1x4x16x2x8xf32>)
      gate(%v : memref<1x4x16x2x8xf32>)
      out(%out : memref<1x4x16x2x8xf32>)
  memref.dealloc %w : memref<1x16x16x2xf32>
  return
}

// -----

// A store to an unrelated buffer between the steps: the fused op would read
// its inputs after it.
// CHECK-LABEL: func.func @store_between(
// CHECK:         msa.masked_softmax
// CHECK:         memref.store
// CHECK:         msa.weighted_sum
// CHECK:         msa.sigmoid_gate
// CHECK-NOT:     msa.pair_weighted_average
func.func @store_between(%v: memref<1x4x16x2x8xf32>, %bias: memref<1x16x16x2xf32>,
                         %out: memref<1x4x16x2x8xf32>, %other: memref<4xf32>, %x: f32) {
  %c0 = arith.constant 0 : index
  %w = memref.alloc() : memref<1x16x16x2xf32>
  msa.masked_softmax bias(%bias : memref<1x16x16x2xf32>)
      weights(%w : memref<1x16x16x2xf32>)
  memref.store %x, %other[%c0] : memref<4xf32>
  %o = memref.alloc() : memref<1x4x16x2x8xf32>
  msa.weighted_sum weights(%w : memref<1x16x16x2xf32>)
      v(%v : memref<1x4x16x2x8xf32>)
      out(%o : memref<1x4x16x2x8xf32>)
  // expected-remark @+1 {{not fused: 'memref.store' between the softmax and the gate may write memory}}
  msa.sigmoid_gate input(%o : memref<1x4x16x2x8xf32>)
      gate(%v : memref<1x4x16x2x8xf32>)
      out(%out : memref<1x4x16x2x8xf32>)
  return
}

// -----

// The v of the weighted sum is overwritten before the gate.
// CHECK-LABEL: func.func @input_overwritten_between(
// CHECK:         msa.masked_softmax
// CHECK:         msa.weighted_sum
// CHECK:         memref.copy
// CHECK:         msa.sigmoid_gate
// CHECK-NOT:     msa.pair_weighted_average
func.func @input_overwritten_between(%v: memref<1x4x16x2x8xf32>, %bias: memref<1x16x16x2xf32>,
                                     %out: memref<1x4x16x2x8xf32>, %next: memref<1x4x16x2x8xf32>) {
  %w = memref.alloc() : memref<1x16x16x2xf32>
  msa.masked_softmax bias(%bias : memref<1x16x16x2xf32>)
      weights(%w : memref<1x16x16x2xf32>)
  %o = memref.alloc() : memref<1x4x16x2x8xf32>
  msa.weighted_sum weights(%w : memref<1x16x16x2xf32>)
      v(%v : memref<1x4x16x2x8xf32>)
      out(%o : memref<1x4x16x2x8xf32>)
  memref.copy %next, %v : memref<1x4x16x2x8xf32> to memref<1x4x16x2x8xf32>
  // expected-remark @+1 {{not fused: 'memref.copy' between the softmax and the gate may write memory}}
  msa.sigmoid_gate input(%o : memref<1x4x16x2x8xf32>)
      gate(%v : memref<1x4x16x2x8xf32>)
      out(%out : memref<1x4x16x2x8xf32>)
  return
}

// -----

// An op without memory effects information counts as a writer.
// CHECK-LABEL: func.func @call_between(
// CHECK:         msa.masked_softmax
// CHECK:         call @opaque()
// CHECK:         msa.weighted_sum
// CHECK:         msa.sigmoid_gate
// CHECK-NOT:     msa.pair_weighted_average
func.func private @opaque()
func.func @call_between(%v: memref<1x4x16x2x8xf32>, %bias: memref<1x16x16x2xf32>,
                        %out: memref<1x4x16x2x8xf32>) {
  %w = memref.alloc() : memref<1x16x16x2xf32>
  msa.masked_softmax bias(%bias : memref<1x16x16x2xf32>)
      weights(%w : memref<1x16x16x2xf32>)
  func.call @opaque() : () -> ()
  %o = memref.alloc() : memref<1x4x16x2x8xf32>
  msa.weighted_sum weights(%w : memref<1x16x16x2xf32>)
      v(%v : memref<1x4x16x2x8xf32>)
      out(%o : memref<1x4x16x2x8xf32>)
  // expected-remark @+1 {{not fused: 'func.call' between the softmax and the gate may write memory}}
  msa.sigmoid_gate input(%o : memref<1x4x16x2x8xf32>)
      gate(%v : memref<1x4x16x2x8xf32>)
      out(%out : memref<1x4x16x2x8xf32>)
  return
}

// -----

// A loop whose body stores counts as a writer.
// CHECK-LABEL: func.func @loop_with_store_between(
// CHECK:         msa.masked_softmax
// CHECK:         scf.for
// CHECK:         msa.weighted_sum
// CHECK:         msa.sigmoid_gate
// CHECK-NOT:     msa.pair_weighted_average
func.func @loop_with_store_between(%v: memref<1x4x16x2x8xf32>, %bias: memref<1x16x16x2xf32>,
                                   %out: memref<1x4x16x2x8xf32>, %other: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  %w = memref.alloc() : memref<1x16x16x2xf32>
  msa.masked_softmax bias(%bias : memref<1x16x16x2xf32>)
      weights(%w : memref<1x16x16x2xf32>)
  scf.for %i = %c0 to %c4 step %c1 {
    memref.store %zero, %other[%i] : memref<4xf32>
  }
  %o = memref.alloc() : memref<1x4x16x2x8xf32>
  msa.weighted_sum weights(%w : memref<1x16x16x2xf32>)
      v(%v : memref<1x4x16x2x8xf32>)
      out(%o : memref<1x4x16x2x8xf32>)
  // expected-remark @+1 {{not fused: 'scf.for' between the softmax and the gate may write memory}}
  msa.sigmoid_gate input(%o : memref<1x4x16x2x8xf32>)
      gate(%v : memref<1x4x16x2x8xf32>)
      out(%out : memref<1x4x16x2x8xf32>)
  return
}

// -----

// The gate writes over v, which the fused op would still be reading: the
// fused op's verifier forbids an output that aliases an input.
// CHECK-LABEL: func.func @out_is_v(
// CHECK:         msa.masked_softmax
// CHECK:         msa.weighted_sum
// CHECK:         msa.sigmoid_gate
// CHECK-NOT:     msa.pair_weighted_average
func.func @out_is_v(%v: memref<1x4x16x2x8xf32>, %bias: memref<1x16x16x2xf32>,
                    %gate: memref<1x4x16x2x8xf32>) {
  %w = memref.alloc() : memref<1x16x16x2xf32>
  msa.masked_softmax bias(%bias : memref<1x16x16x2xf32>)
      weights(%w : memref<1x16x16x2xf32>)
  %o = memref.alloc() : memref<1x4x16x2x8xf32>
  msa.weighted_sum weights(%w : memref<1x16x16x2xf32>)
      v(%v : memref<1x4x16x2x8xf32>)
      out(%o : memref<1x4x16x2x8xf32>)
  // expected-remark @+1 {{not fused: the fused op would be invalid: operand 'out' and operand 'v' are views of one buffer; outputs must not alias other operands}}
  msa.sigmoid_gate input(%o : memref<1x4x16x2x8xf32>)
      gate(%gate : memref<1x4x16x2x8xf32>)
      out(%v : memref<1x4x16x2x8xf32>)
  return
}

// -----

// CHECK-LABEL: func.func @out_is_gate(
// CHECK:         msa.masked_softmax
// CHECK:         msa.weighted_sum
// CHECK:         msa.sigmoid_gate
// CHECK-NOT:     msa.pair_weighted_average
func.func @out_is_gate(%v: memref<1x4x16x2x8xbf16>, %bias: memref<1x16x16x2xbf16>,
                       %gate: memref<1x4x16x2x8xbf16>) {
  %w = memref.alloc() : memref<1x16x16x2xf32>
  msa.masked_softmax bias(%bias : memref<1x16x16x2xbf16>)
      weights(%w : memref<1x16x16x2xf32>)
  %o = memref.alloc() : memref<1x4x16x2x8xf32>
  msa.weighted_sum weights(%w : memref<1x16x16x2xf32>)
      v(%v : memref<1x4x16x2x8xbf16>)
      out(%o : memref<1x4x16x2x8xf32>)
  // expected-remark @+1 {{not fused: the fused op would be invalid: operand 'out' and operand 'gate' are views of one buffer; outputs must not alias other operands}}
  msa.sigmoid_gate input(%o : memref<1x4x16x2x8xf32>)
      gate(%gate : memref<1x4x16x2x8xbf16>)
      out(%gate : memref<1x4x16x2x8xbf16>)
  return
}

// -----

// CHECK-LABEL: func.func @gate_type_differs(
// CHECK:         msa.masked_softmax
// CHECK:         msa.weighted_sum
// CHECK:         msa.sigmoid_gate
// CHECK-NOT:     msa.pair_weighted_average
func.func @gate_type_differs(%v: memref<1x4x16x2x8xbf16>, %bias: memref<1x16x16x2xf32>,
                             %gate: memref<1x4x16x2x8xf16>, %out: memref<1x4x16x2x8xbf16>) {
  %w = memref.alloc() : memref<1x16x16x2xf32>
  msa.masked_softmax bias(%bias : memref<1x16x16x2xf32>)
      weights(%w : memref<1x16x16x2xf32>)
  %o = memref.alloc() : memref<1x4x16x2x8xf32>
  msa.weighted_sum weights(%w : memref<1x16x16x2xf32>)
      v(%v : memref<1x4x16x2x8xbf16>)
      out(%o : memref<1x4x16x2x8xf32>)
  // expected-remark @+1 {{not fused: the fused op would be invalid: operand 'gate' element type 'f16' must match operand 'v' element type 'bf16'}}
  msa.sigmoid_gate input(%o : memref<1x4x16x2x8xf32>)
      gate(%gate : memref<1x4x16x2x8xf16>)
      out(%out : memref<1x4x16x2x8xbf16>)
  return
}

// -----

// CHECK-LABEL: func.func @out_type_differs(
// CHECK:         msa.masked_softmax
// CHECK:         msa.weighted_sum
// CHECK:         msa.sigmoid_gate
// CHECK-NOT:     msa.pair_weighted_average
func.func @out_type_differs(%v: memref<1x4x16x2x8xbf16>, %bias: memref<1x16x16x2xbf16>,
                            %out: memref<1x4x16x2x8xf32>) {
  %w = memref.alloc() : memref<1x16x16x2xf32>
  msa.masked_softmax bias(%bias : memref<1x16x16x2xbf16>)
      weights(%w : memref<1x16x16x2xf32>)
  %o = memref.alloc() : memref<1x4x16x2x8xf32>
  msa.weighted_sum weights(%w : memref<1x16x16x2xf32>)
      v(%v : memref<1x4x16x2x8xbf16>)
      out(%o : memref<1x4x16x2x8xf32>)
  // expected-remark @+1 {{not fused: the fused op would be invalid: operand 'out' element type 'f32' must match operand 'v' element type 'bf16'}}
  msa.sigmoid_gate input(%o : memref<1x4x16x2x8xf32>)
      gate(%v : memref<1x4x16x2x8xbf16>)
      out(%out : memref<1x4x16x2x8xf32>)
  return
}

// -----

// CHECK-LABEL: func.func @bias_type_differs(
// CHECK:         msa.masked_softmax
// CHECK:         msa.weighted_sum
// CHECK:         msa.sigmoid_gate
// CHECK-NOT:     msa.pair_weighted_average
func.func @bias_type_differs(%v: memref<1x4x16x2x8xbf16>, %bias: memref<1x16x16x2xf16>,
                             %out: memref<1x4x16x2x8xbf16>) {
  %w = memref.alloc() : memref<1x16x16x2xf32>
  msa.masked_softmax bias(%bias : memref<1x16x16x2xf16>)
      weights(%w : memref<1x16x16x2xf32>)
  %o = memref.alloc() : memref<1x4x16x2x8xf32>
  msa.weighted_sum weights(%w : memref<1x16x16x2xf32>)
      v(%v : memref<1x4x16x2x8xbf16>)
      out(%o : memref<1x4x16x2x8xf32>)
  // expected-remark @+1 {{not fused: the fused op would be invalid: operand 'bias' element type 'f16' must be the data type 'bf16' or f32}}
  msa.sigmoid_gate input(%o : memref<1x4x16x2x8xf32>)
      gate(%v : memref<1x4x16x2x8xbf16>)
      out(%out : memref<1x4x16x2x8xbf16>)
  return
}

// -----

// With f32 data the bias must be f32 too.
// CHECK-LABEL: func.func @bias_narrower_than_f32_data(
// CHECK:         msa.masked_softmax
// CHECK:         msa.weighted_sum
// CHECK:         msa.sigmoid_gate
// CHECK-NOT:     msa.pair_weighted_average
func.func @bias_narrower_than_f32_data(%v: memref<1x4x16x2x8xf32>, %bias: memref<1x16x16x2xbf16>,
                                       %out: memref<1x4x16x2x8xf32>) {
  %w = memref.alloc() : memref<1x16x16x2xf32>
  msa.masked_softmax bias(%bias : memref<1x16x16x2xbf16>)
      weights(%w : memref<1x16x16x2xf32>)
  %o = memref.alloc() : memref<1x4x16x2x8xf32>
  msa.weighted_sum weights(%w : memref<1x16x16x2xf32>)
      v(%v : memref<1x4x16x2x8xf32>)
      out(%o : memref<1x4x16x2x8xf32>)
  // expected-remark @+1 {{not fused: the fused op would be invalid: operand 'bias' element type 'bf16' must be f32}}
  msa.sigmoid_gate input(%o : memref<1x4x16x2x8xf32>)
      gate(%v : memref<1x4x16x2x8xf32>)
      out(%out : memref<1x4x16x2x8xf32>)
  return
}

// -----

// `out` is a memref.cast of `v`: a view of the buffer the fused op reads.
// CHECK-LABEL: func.func @out_is_cast_of_v(
// CHECK-SAME:      %[[V:[^:]*]]: memref<1x4x16x2x8xf32>
// CHECK:         %[[OC:[^ ]+]] = memref.cast %[[V]]
// CHECK:         msa.masked_softmax
// CHECK:         msa.weighted_sum
// CHECK:         msa.sigmoid_gate {{.*}} out(%[[OC]] : memref<?x?x?x?x?xf32>)
// CHECK-NOT:     msa.pair_weighted_average
func.func @out_is_cast_of_v(%v: memref<1x4x16x2x8xf32>, %bias: memref<1x16x16x2xf32>,
                            %gate: memref<1x4x16x2x8xf32>) {
  %oc = memref.cast %v : memref<1x4x16x2x8xf32> to memref<?x?x?x?x?xf32>
  %w = memref.alloc() : memref<1x16x16x2xf32>
  msa.masked_softmax bias(%bias : memref<1x16x16x2xf32>)
      weights(%w : memref<1x16x16x2xf32>)
  %o = memref.alloc() : memref<1x4x16x2x8xf32>
  msa.weighted_sum weights(%w : memref<1x16x16x2xf32>)
      v(%v : memref<1x4x16x2x8xf32>)
      out(%o : memref<1x4x16x2x8xf32>)
  // expected-remark @+1 {{not fused: the fused op would be invalid: operand 'out' and operand 'v' are views of one buffer; outputs must not alias other operands}}
  msa.sigmoid_gate input(%o : memref<1x4x16x2x8xf32>)
      gate(%gate : memref<1x4x16x2x8xf32>)
      out(%oc : memref<?x?x?x?x?xf32>)
  return
}

// -----

// Dynamic intermediates hide that the bias has R = 8 while v has R = 16:
// each step is valid on its own, the fused op would not be.
// CHECK-LABEL: func.func @dynamic_weights_hide_r_mismatch(
// CHECK:         msa.masked_softmax
// CHECK:         msa.weighted_sum
// CHECK:         msa.sigmoid_gate
// CHECK-NOT:     msa.pair_weighted_average
func.func @dynamic_weights_hide_r_mismatch(%v: memref<1x4x16x2x8xf32>, %bias: memref<1x8x8x2xf32>,
                                           %out: memref<1x4x16x2x8xf32>, %n: index) {
  %w = memref.alloc(%n, %n) : memref<1x?x?x2xf32>
  msa.masked_softmax bias(%bias : memref<1x8x8x2xf32>)
      weights(%w : memref<1x?x?x2xf32>)
  %o = memref.alloc(%n) : memref<1x4x?x2x8xf32>
  msa.weighted_sum weights(%w : memref<1x?x?x2xf32>)
      v(%v : memref<1x4x16x2x8xf32>)
      out(%o : memref<1x4x?x2x8xf32>)
  // expected-remark @+1 {{not fused: the fused op would be invalid: dimension R of operand 'bias' (dim 1) is 8, but operand 'v' has R = 16 (dim 2)}}
  msa.sigmoid_gate input(%o : memref<1x4x?x2x8xf32>)
      gate(%v : memref<1x4x16x2x8xf32>)
      out(%out : memref<1x4x16x2x8xf32>)
  return
}

// -----

// A dynamic weighted sum hides that the gate and out have C = 16 while v has
// C = 8.
// CHECK-LABEL: func.func @dynamic_sum_hides_c_mismatch(
// CHECK:         msa.masked_softmax
// CHECK:         msa.weighted_sum
// CHECK:         msa.sigmoid_gate
// CHECK-NOT:     msa.pair_weighted_average
func.func @dynamic_sum_hides_c_mismatch(%v: memref<1x4x16x2x8xf32>, %bias: memref<1x16x16x2xf32>,
                                        %gate: memref<1x4x16x2x16xf32>,
                                        %out: memref<1x4x16x2x16xf32>,
                                        %b: index, %s: index, %r: index, %h: index, %c: index) {
  %w = memref.alloc() : memref<1x16x16x2xf32>
  msa.masked_softmax bias(%bias : memref<1x16x16x2xf32>)
      weights(%w : memref<1x16x16x2xf32>)
  %o = memref.alloc(%b, %s, %r, %h, %c) : memref<?x?x?x?x?xf32>
  msa.weighted_sum weights(%w : memref<1x16x16x2xf32>)
      v(%v : memref<1x4x16x2x8xf32>)
      out(%o : memref<?x?x?x?x?xf32>)
  // expected-remark @+1 {{not fused: the fused op would be invalid: dimension C of operand 'gate' (dim 4) is 16, but operand 'v' has C = 8 (dim 4)}}
  msa.sigmoid_gate input(%o : memref<?x?x?x?x?xf32>)
      gate(%gate : memref<1x4x16x2x16xf32>)
      out(%out : memref<1x4x16x2x16xf32>)
  return
}

// -----

// A dynamic intermediate hides that the pair mask (read by the softmax) and
// the MSA mask (read by the sum) disagree on R.
// CHECK-LABEL: func.func @dynamic_weights_hide_mask_mismatch(
// CHECK:         msa.masked_softmax
// CHECK:         msa.weighted_sum
// CHECK:         msa.sigmoid_gate
// CHECK-NOT:     msa.pair_weighted_average
func.func @dynamic_weights_hide_mask_mismatch(%v: memref<1x4x?x2x8xf32>, %bias: memref<1x?x?x2xf32>,
                                              %pm: memref<1x5x5xf32>, %mm: memref<1x4x7xf32>,
                                              %out: memref<1x4x?x2x8xf32>, %n: index) {
  %w = memref.alloc(%n, %n) : memref<1x?x?x2xf32>
  msa.masked_softmax bias(%bias : memref<1x?x?x2xf32>)
      pair_mask(%pm : memref<1x5x5xf32>)
      weights(%w : memref<1x?x?x2xf32>)
  %o = memref.alloc(%n) : memref<1x4x?x2x8xf32>
  msa.weighted_sum weights(%w : memref<1x?x?x2xf32>)
      v(%v : memref<1x4x?x2x8xf32>)
      msa_mask(%mm : memref<1x4x7xf32>)
      out(%o : memref<1x4x?x2x8xf32>)
  // expected-remark @+1 {{not fused: the fused op would be invalid: dimension R of operand 'msa_mask' (dim 2) is 7, but operand 'pair_mask' has R = 5 (dim 1)}}
  msa.sigmoid_gate input(%o : memref<1x4x?x2x8xf32>)
      gate(%v : memref<1x4x?x2x8xf32>)
      out(%out : memref<1x4x?x2x8xf32>)
  return
}

// -----

// The weighted sum is a chain end, but its weights come from outside.
// CHECK-LABEL: func.func @weights_from_argument(
// CHECK-NOT:     msa.masked_softmax
// CHECK:         msa.weighted_sum
// CHECK:         msa.sigmoid_gate
// CHECK-NOT:     msa.pair_weighted_average
func.func @weights_from_argument(%v: memref<1x4x16x2x8xf32>, %w: memref<1x16x16x2xf32>,
                                 %out: memref<1x4x16x2x8xf32>) {
  %o = memref.alloc() : memref<1x4x16x2x8xf32>
  msa.weighted_sum weights(%w : memref<1x16x16x2xf32>)
      v(%v : memref<1x4x16x2x8xf32>)
      out(%o : memref<1x4x16x2x8xf32>)
  // expected-remark @+1 {{not fused: the weights are not written by msa.masked_softmax into a local buffer}}
  msa.sigmoid_gate input(%o : memref<1x4x16x2x8xf32>)
      gate(%v : memref<1x4x16x2x8xf32>)
      out(%out : memref<1x4x16x2x8xf32>)
  return
}

// -----

// Local weights, but written by a copy rather than a softmax.
// CHECK-LABEL: func.func @weights_from_copy(
// CHECK:         memref.copy
// CHECK:         msa.weighted_sum
// CHECK:         msa.sigmoid_gate
// CHECK-NOT:     msa.pair_weighted_average
func.func @weights_from_copy(%v: memref<1x4x16x2x8xf32>, %src: memref<1x16x16x2xf32>,
                             %out: memref<1x4x16x2x8xf32>) {
  %w = memref.alloc() : memref<1x16x16x2xf32>
  memref.copy %src, %w : memref<1x16x16x2xf32> to memref<1x16x16x2xf32>
  %o = memref.alloc() : memref<1x4x16x2x8xf32>
  msa.weighted_sum weights(%w : memref<1x16x16x2xf32>)
      v(%v : memref<1x4x16x2x8xf32>)
      out(%o : memref<1x4x16x2x8xf32>)
  // expected-remark @+1 {{not fused: the weights are not written by msa.masked_softmax into a local buffer}}
  msa.sigmoid_gate input(%o : memref<1x4x16x2x8xf32>)
      gate(%v : memref<1x4x16x2x8xf32>)
      out(%out : memref<1x4x16x2x8xf32>)
  return
}

// -----

// The softmax is outside the loop that holds the other two steps.
// CHECK-LABEL: func.func @steps_in_different_blocks(
// CHECK:         msa.masked_softmax
// CHECK:         scf.for
// CHECK:           msa.weighted_sum
// CHECK:           msa.sigmoid_gate
// CHECK-NOT:     msa.pair_weighted_average
func.func @steps_in_different_blocks(%v: memref<1x4x16x2x8xf32>, %bias: memref<1x16x16x2xf32>,
                                     %out: memref<1x4x16x2x8xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %w = memref.alloc() : memref<1x16x16x2xf32>
  %o = memref.alloc() : memref<1x4x16x2x8xf32>
  msa.masked_softmax bias(%bias : memref<1x16x16x2xf32>)
      weights(%w : memref<1x16x16x2xf32>)
  scf.for %i = %c0 to %n step %c1 {
    msa.weighted_sum weights(%w : memref<1x16x16x2xf32>)
        v(%v : memref<1x4x16x2x8xf32>)
        out(%o : memref<1x4x16x2x8xf32>)
    // expected-remark @+1 {{not fused: the three ops are not in one block in chain order}}
    msa.sigmoid_gate input(%o : memref<1x4x16x2x8xf32>)
        gate(%v : memref<1x4x16x2x8xf32>)
        out(%out : memref<1x4x16x2x8xf32>)
  }
  return
}

// -----

// The gate reads the weighted sum before it is written.
// CHECK-LABEL: func.func @steps_out_of_order(
// CHECK:         msa.masked_softmax
// CHECK:         msa.sigmoid_gate
// CHECK:         msa.weighted_sum
// CHECK-NOT:     msa.pair_weighted_average
func.func @steps_out_of_order(%v: memref<1x4x16x2x8xf32>, %bias: memref<1x16x16x2xf32>,
                              %out: memref<1x4x16x2x8xf32>) {
  %w = memref.alloc() : memref<1x16x16x2xf32>
  %o = memref.alloc() : memref<1x4x16x2x8xf32>
  msa.masked_softmax bias(%bias : memref<1x16x16x2xf32>)
      weights(%w : memref<1x16x16x2xf32>)
  // expected-remark @+1 {{not fused: the three ops are not in one block in chain order}}
  msa.sigmoid_gate input(%o : memref<1x4x16x2x8xf32>)
      gate(%v : memref<1x4x16x2x8xf32>)
      out(%out : memref<1x4x16x2x8xf32>)
  msa.weighted_sum weights(%w : memref<1x16x16x2xf32>)
      v(%v : memref<1x4x16x2x8xf32>)
      out(%o : memref<1x4x16x2x8xf32>)
  return
}

//===----------------------------------------------------------------------===//
// Gates that end no chain: left alone without a remark
//===----------------------------------------------------------------------===//

// -----

// CHECK-LABEL: func.func @gate_of_argument(
// CHECK-NEXT:    msa.sigmoid_gate
// CHECK-NEXT:    return
func.func @gate_of_argument(%o: memref<1x4x16x2x8xf32>, %g: memref<1x4x16x2x8xf32>,
                            %out: memref<1x4x16x2x8xf32>) {
  msa.sigmoid_gate input(%o : memref<1x4x16x2x8xf32>)
      gate(%g : memref<1x4x16x2x8xf32>)
      out(%out : memref<1x4x16x2x8xf32>)
  return
}

// -----

// The gate's input is local but written by a copy, not a weighted sum.
// CHECK-LABEL: func.func @gate_of_copied_buffer(
// CHECK:         msa.masked_softmax
// CHECK:         memref.copy
// CHECK:         msa.sigmoid_gate
// CHECK-NOT:     msa.pair_weighted_average
func.func @gate_of_copied_buffer(%bias: memref<1x16x16x2xf32>, %w: memref<1x16x16x2xf32>,
                                 %src: memref<1x4x16x2x8xf32>, %out: memref<1x4x16x2x8xf32>) {
  msa.masked_softmax bias(%bias : memref<1x16x16x2xf32>)
      weights(%w : memref<1x16x16x2xf32>)
  %o = memref.alloc() : memref<1x4x16x2x8xf32>
  memref.copy %src, %o : memref<1x4x16x2x8xf32> to memref<1x4x16x2x8xf32>
  msa.sigmoid_gate input(%o : memref<1x4x16x2x8xf32>)
      gate(%src : memref<1x4x16x2x8xf32>)
      out(%out : memref<1x4x16x2x8xf32>)
  return
}

// -----

// The weighted sum writes a function argument, not a local buffer.
// CHECK-LABEL: func.func @gate_of_argument_written_by_sum(
// CHECK:         msa.masked_softmax
// CHECK:         msa.weighted_sum
// CHECK:         msa.sigmoid_gate
// CHECK-NOT:     msa.pair_weighted_average
func.func @gate_of_argument_written_by_sum(%v: memref<1x4x16x2x8xf32>, %bias: memref<1x16x16x2xf32>,
                                           %o: memref<1x4x16x2x8xf32>, %out: memref<1x4x16x2x8xf32>) {
  %w = memref.alloc() : memref<1x16x16x2xf32>
  msa.masked_softmax bias(%bias : memref<1x16x16x2xf32>)
      weights(%w : memref<1x16x16x2xf32>)
  msa.weighted_sum weights(%w : memref<1x16x16x2xf32>)
      v(%v : memref<1x4x16x2x8xf32>)
      out(%o : memref<1x4x16x2x8xf32>)
  msa.sigmoid_gate input(%o : memref<1x4x16x2x8xf32>)
      gate(%v : memref<1x4x16x2x8xf32>)
      out(%out : memref<1x4x16x2x8xf32>)
  return
}

// -----

// Only the weights buffer says H = 2; the gate says H = 4; every other
// buffer is dynamic in H, so each op verifies and so would the fused op.
// Fusing would drop the contradiction: the chain stays.
// CHECK-LABEL: func.func @intermediate_states_contradiction
// CHECK: msa.masked_softmax
// CHECK: msa.weighted_sum
// CHECK: msa.sigmoid_gate
// CHECK-NOT: msa.pair_weighted_average
func.func @intermediate_states_contradiction(
    %v: memref<1x2x16x?x8xf32>, %bias: memref<1x16x16x?xf32>,
    %g: memref<1x2x16x4x8xf32>, %out: memref<1x2x16x?x8xf32>, %h: index) {
  %w = memref.alloc() : memref<1x16x16x2xf32>
  msa.masked_softmax bias(%bias : memref<1x16x16x?xf32>)
      weights(%w : memref<1x16x16x2xf32>)
  %o = memref.alloc(%h) : memref<1x2x16x?x8xf32>
  msa.weighted_sum weights(%w : memref<1x16x16x2xf32>)
      v(%v : memref<1x2x16x?x8xf32>) out(%o : memref<1x2x16x?x8xf32>)
  // expected-remark @+1 {{not fused: the chain's buffers disagree: dimension H of operand 'gate' (dim 3) is 4, but operand 'weights' has H = 2 (dim 3)}}
  msa.sigmoid_gate input(%o : memref<1x2x16x?x8xf32>)
      gate(%g : memref<1x2x16x4x8xf32>) out(%out : memref<1x2x16x?x8xf32>)
  return
}
