// Malformed msa syntax: the parser reports each mistake at its position
// instead of accepting or misreading the op.
//
// Covers a missing or misplaced keyword, a missing operand type, an absent
// required operand, attributes of the wrong kind and unknown precision values.

// RUN: msa-opt %s -split-input-file -verify-diagnostics

func.func @missing_bias_keyword(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                                %out: memref<1x2x3x4x8xf32>) {
  msa.pair_weighted_average v(%x : memref<1x2x3x4x8xf32>)
      // expected-error @+1 {{custom op 'msa.pair_weighted_average' expected 'bias'}}
      (%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
  return
}

// -----

func.func @missing_out(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>) {
  msa.pair_weighted_average v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
  // expected-error @+1 {{custom op 'msa.pair_weighted_average' expected 'out'}}
  return
}

// -----

// Optional operands have a fixed place: a pair mask after `out` is not parsed
// as part of the op.
func.func @pair_mask_after_out(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                               %pm: memref<1x3x3xf32>,
                               %out: memref<1x2x3x4x8xf32>) {
  msa.pair_weighted_average v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
      // expected-error @+1 {{custom op 'pair_mask' is unknown}}
      pair_mask(%pm : memref<1x3x3xf32>)
  return
}

// -----

func.func @missing_operand_type(%x: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{expected ':'}}
  msa.sigmoid_gate input(%x) gate(%x : memref<1x2x3x4x8xf32>) out(%x : memref<1x2x3x4x8xf32>)
  return
}

// -----

func.func @undefined_weights(%bias: memref<1x3x3x4xf32>) {
  // expected-error @+1 {{use of undeclared SSA value name}}
  msa.masked_softmax bias(%bias : memref<1x3x3x4xf32>) weights(%w : memref<1x3x3x4xf32>)
  return
}

// -----

func.func @unknown_precision(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                             %out: memref<1x2x3x4x8xf32>) {
  msa.pair_weighted_average v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      // expected-error @+2 {{expected ::mlir::msa::Precision to be one of: ieee, tf32}}
      // expected-error @+1 {{failed to parse MSA_PrecisionAttr parameter 'value' which is to be a `::mlir::msa::Precision`}}
      out(%out : memref<1x2x3x4x8xf32>) {precision = #msa.precision<fp8>}
  return
}

// -----

func.func @precision_without_value(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                                   %out: memref<1x2x3x4x8xf32>) {
  msa.pair_weighted_average v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      // expected-error @+1 {{expected '<'}}
      out(%out : memref<1x2x3x4x8xf32>) {precision = #msa.precision}
  return
}

// -----

func.func @precision_as_integer(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                                %out: memref<1x2x3x4x8xf32>) {
  msa.pair_weighted_average v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      // expected-error @+1 {{op attribute 'precision' failed to satisfy constraint: f32 precision mode}}
      out(%out : memref<1x2x3x4x8xf32>) {precision = 1 : i32}
  return
}

// -----

func.func @inf_not_f64(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                       %out: memref<1x2x3x4x8xf32>) {
  msa.pair_weighted_average v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      // expected-error @+1 {{op attribute 'inf' failed to satisfy constraint: 64-bit float attribute}}
      out(%out : memref<1x2x3x4x8xf32>) {inf = 1.0e9 : f32}
  return
}

// -----

func.func @unknown_msa_attribute(%bias: memref<1x3x3x4xf32>) {
  // expected-error @+1 {{unknown attribute `nope` in dialect `msa`}}
  msa.masked_softmax bias(%bias : memref<1x3x3x4xf32>) weights(%bias : memref<1x3x3x4xf32>) {inf = #msa.nope<1>}
  return
}

// -----

func.func @unknown_op(%x: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{custom op 'msa.nope' is unknown}}
  msa.nope %x : memref<1x2x3x4x8xf32>
  return
}
