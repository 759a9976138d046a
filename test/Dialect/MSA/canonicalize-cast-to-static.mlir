// A memref.cast that adds static sizes is kept: folding it would forget what
// the cast states (memref::CastOp::canFoldIntoConsumerOp), and the op's
// static operand types are what later passes specialize on. Casts that only
// forget sizes are folded (canonicalize.mlir).

// RUN: msa-opt %s -canonicalize | FileCheck %s

// CHECK-LABEL: func.func @keep_cast_to_static(
// CHECK-SAME:      %[[V:[^:]*]]: memref<?x?x?x?x?xf32>
// CHECK:         %[[VC:.*]] = memref.cast %[[V]] : memref<?x?x?x?x?xf32> to memref<1x2x3x4x8xf32>
// CHECK:         msa.pair_weighted_average v(%[[VC]] : memref<1x2x3x4x8xf32>)
func.func @keep_cast_to_static(%v: memref<?x?x?x?x?xf32>, %bias: memref<1x3x3x4xf32>,
                               %gate: memref<1x2x3x4x8xf32>,
                               %out: memref<1x2x3x4x8xf32>) {
  %vc = memref.cast %v : memref<?x?x?x?x?xf32> to memref<1x2x3x4x8xf32>
  msa.pair_weighted_average v(%vc : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%gate : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
  return
}
