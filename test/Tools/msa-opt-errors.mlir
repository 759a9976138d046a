// msa-opt on bad input: every mistake gets a diagnostic and a non-zero exit
// status, never a crash (no stack dump, no bug-report banner; `not` itself
// fails on a crash).

// RUN: not msa-opt %s --split-input-file 2>&1 | FileCheck %s
// RUN: not msa-opt %s --split-input-file -convert-msa-to-loops 2>&1 | FileCheck %s
// RUN: not msa-opt %s --split-input-file --msa-cpu-pipeline 2>&1 | FileCheck %s
// RUN: not msa-opt %s --no-such-pass 2>&1 | FileCheck --check-prefix=FLAG %s
// RUN: not msa-opt %msa_src_root/examples/training_step_f32.mlir -pass-pipeline='builtin.module(no-such-pass)' 2>&1 | FileCheck --check-prefix=PIPELINE %s
// RUN: not msa-opt %msa_src_root/examples/training_step_f32.mlir -pass-pipeline='builtin.module(func.func(convert-msa-to-loops)' 2>&1 | FileCheck --check-prefix=PARENS %s
// RUN: not msa-opt %msa_src_root/examples/training_step_f32.mlir --convert-msa-to-loops='no-such-option=1' 2>&1 | FileCheck --check-prefix=OPTION %s
// RUN: rm -f %t.does-not-exist
// RUN: not msa-opt %t.does-not-exist 2>&1 | FileCheck --check-prefix=MISSING %s

// CHECK-NOT: Stack dump
// CHECK-NOT: PLEASE submit

// CHECK: msa-opt-errors.mlir:[[# @LINE + 1]]:1: error: custom op 'this' is unknown
this is not mlir at all

// -----

func.func @unknown_msa_op(%x: memref<1x2x3x4x8xf32>) {
  // CHECK: msa-opt-errors.mlir:[[# @LINE + 1]]:3: error: custom op 'msa.nope' is unknown
  msa.nope %x : memref<1x2x3x4x8xf32>
  return
}

// -----

func.func @unknown_msa_op_generic() {
  // CHECK: msa-opt-errors.mlir:[[# @LINE + 1]]:3: error: unregistered operation 'msa.nope' found in dialect ('msa') that does not allow unknown operations
  "msa.nope"() : () -> ()
  return
}

// -----

// CHECK: msa-opt-errors.mlir:[[# @LINE + 1]]:16: error: expected non-function type
func.func @cut(
// -----

// Generic form with too few operands for the fused op.
func.func @too_few_operands(%v: memref<1x2x3x4x8xf32>, %b: memref<1x3x3x4xf32>) {
  // CHECK: msa-opt-errors.mlir:[[# @LINE + 1]]:3: error: 'msa.pair_weighted_average' op expected 4 or more operands, but found 3
  "msa.pair_weighted_average"(%v, %b, %v) <{operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 1, 0>}> : (memref<1x2x3x4x8xf32>, memref<1x3x3x4xf32>, memref<1x2x3x4x8xf32>) -> ()
  return
}

// -----

// Generic form whose segment sizes disagree with the operand count.
func.func @bad_segments(%v: memref<1x2x3x4x8xf32>, %b: memref<1x3x3x4xf32>) {
  // CHECK: msa-opt-errors.mlir:[[# @LINE + 1]]:3: error: invalid properties {operandSegmentSizes = array<i32: 1, 1, 1, 0>} for op msa.pair_weighted_average: size mismatch in attribute conversion: 4 vs 7
  "msa.pair_weighted_average"(%v, %b, %v, %v) <{operandSegmentSizes = array<i32: 1, 1, 1, 0>}> : (memref<1x2x3x4x8xf32>, memref<1x3x3x4xf32>, memref<1x2x3x4x8xf32>, memref<1x2x3x4x8xf32>) -> ()
  return
}

// -----

// Two pair masks in the generic form.
func.func @two_pair_masks(%v: memref<1x2x3x4x8xf32>, %b: memref<1x3x3x4xf32>, %pm: memref<1x3x3xf32>) {
  // CHECK: msa-opt-errors.mlir:[[# @LINE + 1]]:3: error: 'msa.pair_weighted_average' op operand group starting at #3 requires 0 or 1 element, but found 2
  "msa.pair_weighted_average"(%v, %b, %v, %pm, %pm, %v) <{operandSegmentSizes = array<i32: 1, 1, 1, 2, 0, 1, 0>}> : (memref<1x2x3x4x8xf32>, memref<1x3x3x4xf32>, memref<1x2x3x4x8xf32>, memref<1x3x3xf32>, memref<1x3x3xf32>, memref<1x2x3x4x8xf32>) -> ()
  return
}

// -----

// A string where inf must be an f64.
func.func @string_inf(%b: memref<1x3x3x4xf32>) {
  // CHECK: msa-opt-errors.mlir:[[# @LINE + 1]]:3: error: invalid properties {inf = "big"} for op msa.masked_softmax: Invalid attribute `inf` in property conversion: "big"
  "msa.masked_softmax"(%b, %b) <{inf = "big"}> : (memref<1x3x3x4xf32>, memref<1x3x3x4xf32>) -> ()
  return
}

// -----

// The msa ops return nothing.
func.func @with_result(%x: memref<1x2x3x4x8xf32>) {
  // CHECK: msa-opt-errors.mlir:[[# @LINE + 1]]:8: error: 'msa.sigmoid_gate' op requires zero results
  %r = "msa.sigmoid_gate"(%x, %x, %x) : (memref<1x2x3x4x8xf32>, memref<1x2x3x4x8xf32>, memref<1x2x3x4x8xf32>) -> (f32)
  return
}

// -----

// Verifier errors stop the tool before any pass runs.
func.func @invalid_shapes(%v: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                          %out: memref<1x2x3x4x16xf32>) {
  // CHECK: msa-opt-errors.mlir:[[# @LINE + 1]]:3: error: 'msa.pair_weighted_average' op dimension C of operand 'out' (dim 4) is 16, but operand 'v' has C = 8 (dim 4)
  msa.pair_weighted_average v(%v : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%v : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x16xf32>)
  return
}

// Every chunk fails, so no IR is printed.
// CHECK-NOT: module {
// CHECK-NOT: Stack dump
// CHECK-NOT: PLEASE submit

// FLAG:       msa-opt: Unknown command line argument '--no-such-pass'.
// FLAG-NOT:   Stack dump

// PIPELINE:   error: MLIR Textual PassPipeline Parser:1:1: error: 'no-such-pass' does not refer to a registered pass or pass pipeline
// PIPELINE-NOT: Stack dump

// PARENS:     error: MLIR Textual PassPipeline Parser:1:11: error: encountered unbalanced parentheses while parsing pipeline
// PARENS-NOT: Stack dump

// OPTION:     error: <Pass-Options-Parser>: no such option no-such-option
// OPTION-NOT: Stack dump

// MISSING:     cannot open input file '{{.*}}.does-not-exist': No such file or directory
// MISSING-NOT: Stack dump
