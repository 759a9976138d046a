// msa-cpu-pipeline: fusion, the loop lowering and the upstream conversions
// leave nothing but the llvm dialect. bf16 conversions are integer bit
// manipulation (no fpext/fptrunc that would need a soft-float runtime).

// RUN: msa-opt %s --msa-cpu-pipeline -split-input-file | FileCheck %s

// The unfused chain: after fusion only the fused op's row buffer is
// allocated, so there is exactly one malloc and one free.
// CHECK:       module {
// CHECK-NOT:   {{(msa|scf|cf|memref|arith|math|func)\.}}
// CHECK-NOT:   unrealized_conversion_cast
// CHECK-NOT:   llvm.fpext
// CHECK-NOT:   llvm.fptrunc
// CHECK-DAG:   llvm.func @free(!llvm.ptr)
// CHECK-DAG:   llvm.func @malloc(i64) -> !llvm.ptr
// CHECK-LABEL: llvm.func @chain_bf16(
// CHECK-NOT:   {{(msa|scf|cf|memref|arith|math|func)\.}}
// CHECK-NOT:   llvm.fpext
// CHECK:       llvm.call @malloc
// CHECK-NOT:   llvm.call @malloc
// CHECK:       llvm.load %{{.*}} : !llvm.ptr -> bf16
// CHECK-NEXT:  llvm.bitcast %{{.*}} : bf16 to i16
// CHECK:       llvm.intr.exp
// CHECK:       llvm.bitcast %{{.*}} : i16 to bf16
// CHECK-NOT:   llvm.call @malloc
// CHECK:       llvm.call @free
// CHECK-NEXT:  llvm.return
// CHECK-NOT:   {{(msa|scf|cf|memref|arith|math|func)\.}}
// CHECK-NOT:   llvm.fptrunc
// CHECK:       }
func.func @chain_bf16(
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

// -----

// A chain that fusion refuses (a store between the steps) is lowered step
// by step: its two intermediate buffers and the softmax row are allocated.
// CHECK-LABEL: llvm.func @unfusable_chain(
// CHECK-NOT:   {{(msa|scf|cf|memref|arith|math|func)\.}}
// CHECK-COUNT-3: llvm.call @malloc
// CHECK-NOT:   llvm.call @malloc
// CHECK-NOT:   {{(msa|scf|cf|memref|arith|math|func)\.}}
// CHECK:       llvm.return
func.func @unfusable_chain(%v: memref<1x4x16x2x8xf32>, %bias: memref<1x16x16x2xf32>,
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
  msa.sigmoid_gate input(%o : memref<1x4x16x2x8xf32>)
      gate(%v : memref<1x4x16x2x8xf32>)
      out(%out : memref<1x4x16x2x8xf32>)
  return
}

// -----

// Forward with lse and the gradient, f32: the forward's log-sum-exp needs
// llvm.intr.log; three row buffers (forward row, then kmax and D).
// CHECK-LABEL: llvm.func @training_step(
// CHECK-NOT:   {{(msa|scf|cf|memref|arith|math|func)\.}}
// CHECK-NOT:   bf16
//              The forward: its row buffer, the exps and one log per row.
// CHECK:       llvm.call @malloc
// CHECK:       llvm.intr.exp
// CHECK:       llvm.intr.log
// CHECK:       llvm.call @free
//              The gradient: two rows, exps only (W from the saved lse).
// CHECK:       llvm.call @malloc
// CHECK:       llvm.call @malloc
// CHECK-NOT:   llvm.intr.log
// CHECK:       llvm.intr.exp
// CHECK-NOT:   llvm.intr.log
// CHECK:       llvm.call @free
// CHECK:       llvm.call @free
// CHECK-NEXT:  llvm.return
// CHECK-NOT:   {{(msa|scf|cf|memref|arith|math|func)\.}}
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
