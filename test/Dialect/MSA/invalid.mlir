// Invalid msa IR: one case per verifier message, for every op whose checks
// differ.
//
// Covers unranked operands, wrong ranks (data, bias, masks, lse), element
// types outside bf16/f16/f32, a non-f32 lse, every kind of dimension
// disagreement (B, S, R, H, C, the two R's of a pair tensor, the masks),
// element type mismatches between v/gate/out and their gradients, bias and
// dbias types, bad `inf` values, tf32 on non-f32 data and outputs that are
// views of an input or of another output (same value, memref.cast, subview,
// collapse_shape). Every case has only the one defect its message names:
// outputs get their own arguments unless the case is about aliasing.

// RUN: msa-opt %s -split-input-file -verify-diagnostics

//===----------------------------------------------------------------------===//
// msa.pair_weighted_average: operand kinds and ranks
//===----------------------------------------------------------------------===//

func.func @fused_unranked_v(%v: memref<*xf32>, %bias: memref<1x3x3x4xf32>,
                            %x: memref<1x2x3x4x8xf32>,
                            %out: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average' op operand 'v' must be a ranked memref, got 'memref<*xf32>'}}
  msa.pair_weighted_average v(%v : memref<*xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
  return
}

// -----

func.func @fused_unranked_lse(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                              %lse: memref<*xf32>,
                              %out: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average' op operand 'lse' must be a ranked memref, got 'memref<*xf32>'}}
  msa.pair_weighted_average v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
      lse(%lse : memref<*xf32>)
  return
}

// -----

func.func @fused_tensor_operand(%v: tensor<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                                %x: memref<1x2x3x4x8xf32>,
                                %out: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average' op operand #0 must be ranked or unranked memref of any type values, but got 'tensor<1x2x3x4x8xf32>'}}
  msa.pair_weighted_average v(%v : tensor<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
  return
}

// -----

func.func @fused_rank_v(%v: memref<2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                        %x: memref<1x2x3x4x8xf32>,
                        %out: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average' op operand 'v' must have rank 5 [B, S, R, H, C], got rank 4}}
  msa.pair_weighted_average v(%v : memref<2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
  return
}

// -----

func.func @fused_rank_bias(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4x1xf32>,
                           %out: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average' op operand 'bias' must have rank 4 [B, R, R, H], got rank 5}}
  msa.pair_weighted_average v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4x1xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
  return
}

// -----

func.func @fused_rank_pair_mask(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                                %pm: memref<1x3x3x4xf32>,
                                %out: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average' op operand 'pair_mask' must have rank 3 [B, R, R], got rank 4}}
  msa.pair_weighted_average v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      pair_mask(%pm : memref<1x3x3x4xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
  return
}

// -----

func.func @fused_rank_msa_mask(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                               %mm: memref<2x3xf32>,
                               %out: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average' op operand 'msa_mask' must have rank 3 [B, S, R], got rank 2}}
  msa.pair_weighted_average v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      msa_mask(%mm : memref<2x3xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
  return
}

// -----

func.func @fused_rank_lse(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                          %lse: memref<1x4x3x1xf32>,
                          %out: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average' op operand 'lse' must have rank 3 [B, H, R], got rank 4}}
  msa.pair_weighted_average v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
      lse(%lse : memref<1x4x3x1xf32>)
  return
}

// -----

func.func @fused_rank_out(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                          %out: memref<1x2x3x4x8x1xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average' op operand 'out' must have rank 5 [B, S, R, H, C], got rank 6}}
  msa.pair_weighted_average v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8x1xf32>)
  return
}

//===----------------------------------------------------------------------===//
// msa.pair_weighted_average: element types
//===----------------------------------------------------------------------===//

// -----

func.func @fused_i32_v(%v: memref<1x2x3x4x8xi32>, %bias: memref<1x3x3x4xf32>,
                       %x: memref<1x2x3x4x8xf32>,
                       %out: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average' op operand 'v' element type must be bf16, f16 or f32, got 'i32'}}
  msa.pair_weighted_average v(%v : memref<1x2x3x4x8xi32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
  return
}

// -----

func.func @fused_f64_data(%x: memref<1x2x3x4x8xf64>, %bias: memref<1x3x3x4xf64>,
                          %out: memref<1x2x3x4x8xf64>) {
  // expected-error @+1 {{'msa.pair_weighted_average' op operand 'v' element type must be bf16, f16 or f32, got 'f64'}}
  msa.pair_weighted_average v(%x : memref<1x2x3x4x8xf64>)
      bias(%bias : memref<1x3x3x4xf64>)
      gate(%x : memref<1x2x3x4x8xf64>)
      out(%out : memref<1x2x3x4x8xf64>)
  return
}

// -----

func.func @fused_f64_bias(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf64>,
                          %out: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average' op operand 'bias' element type must be bf16, f16 or f32, got 'f64'}}
  msa.pair_weighted_average v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf64>)
      gate(%x : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
  return
}

// -----

func.func @fused_i1_pair_mask(%x: memref<1x2x3x4x8xbf16>, %bias: memref<1x3x3x4xbf16>,
                              %pm: memref<1x3x3xi1>,
                              %out: memref<1x2x3x4x8xbf16>) {
  // expected-error @+1 {{'msa.pair_weighted_average' op operand 'pair_mask' element type must be bf16, f16 or f32, got 'i1'}}
  msa.pair_weighted_average v(%x : memref<1x2x3x4x8xbf16>)
      bias(%bias : memref<1x3x3x4xbf16>)
      gate(%x : memref<1x2x3x4x8xbf16>)
      pair_mask(%pm : memref<1x3x3xi1>)
      out(%out : memref<1x2x3x4x8xbf16>)
  return
}

// -----

func.func @fused_f64_msa_mask(%x: memref<1x2x3x4x8xbf16>, %bias: memref<1x3x3x4xbf16>,
                              %mm: memref<1x2x3xf64>,
                              %out: memref<1x2x3x4x8xbf16>) {
  // expected-error @+1 {{'msa.pair_weighted_average' op operand 'msa_mask' element type must be bf16, f16 or f32, got 'f64'}}
  msa.pair_weighted_average v(%x : memref<1x2x3x4x8xbf16>)
      bias(%bias : memref<1x3x3x4xbf16>)
      gate(%x : memref<1x2x3x4x8xbf16>)
      msa_mask(%mm : memref<1x2x3xf64>)
      out(%out : memref<1x2x3x4x8xbf16>)
  return
}

// -----

func.func @fused_bf16_lse(%x: memref<1x2x3x4x8xbf16>, %bias: memref<1x3x3x4xbf16>,
                          %lse: memref<1x4x3xbf16>,
                          %out: memref<1x2x3x4x8xbf16>) {
  // expected-error @+1 {{'msa.pair_weighted_average' op operand 'lse' element type must be f32, got 'bf16'}}
  msa.pair_weighted_average v(%x : memref<1x2x3x4x8xbf16>)
      bias(%bias : memref<1x3x3x4xbf16>)
      gate(%x : memref<1x2x3x4x8xbf16>)
      out(%out : memref<1x2x3x4x8xbf16>)
      lse(%lse : memref<1x4x3xbf16>)
  return
}

// -----

func.func @fused_f64_lse(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                         %lse: memref<1x4x3xf64>,
                         %out: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average' op operand 'lse' element type must be f32, got 'f64'}}
  msa.pair_weighted_average v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
      lse(%lse : memref<1x4x3xf64>)
  return
}

// -----

func.func @fused_gate_type(%x: memref<1x2x3x4x8xbf16>, %bias: memref<1x3x3x4xbf16>,
                           %gate: memref<1x2x3x4x8xf16>,
                           %out: memref<1x2x3x4x8xbf16>) {
  // expected-error @+1 {{'msa.pair_weighted_average' op operand 'gate' element type 'f16' must match operand 'v' element type 'bf16'}}
  msa.pair_weighted_average v(%x : memref<1x2x3x4x8xbf16>)
      bias(%bias : memref<1x3x3x4xbf16>)
      gate(%gate : memref<1x2x3x4x8xf16>)
      out(%out : memref<1x2x3x4x8xbf16>)
  return
}

// -----

func.func @fused_out_type(%x: memref<1x2x3x4x8xbf16>, %bias: memref<1x3x3x4xf32>,
                          %out: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average' op operand 'out' element type 'f32' must match operand 'v' element type 'bf16'}}
  msa.pair_weighted_average v(%x : memref<1x2x3x4x8xbf16>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xbf16>)
      out(%out : memref<1x2x3x4x8xf32>)
  return
}

// -----

func.func @fused_bias_type(%x: memref<1x2x3x4x8xbf16>, %bias: memref<1x3x3x4xf16>,
                           %out: memref<1x2x3x4x8xbf16>) {
  // expected-error @+1 {{'msa.pair_weighted_average' op operand 'bias' element type 'f16' must be the data type 'bf16' or f32}}
  msa.pair_weighted_average v(%x : memref<1x2x3x4x8xbf16>)
      bias(%bias : memref<1x3x3x4xf16>)
      gate(%x : memref<1x2x3x4x8xbf16>)
      out(%out : memref<1x2x3x4x8xbf16>)
  return
}

// -----

// A narrower bias than the f32 data is not allowed either; with f32 data the
// only allowed bias type is f32, and the message says so.
func.func @fused_bias_narrower_than_data(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xbf16>,
                                         %out: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average' op operand 'bias' element type 'bf16' must be f32}}
  msa.pair_weighted_average v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xbf16>)
      gate(%x : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
  return
}

//===----------------------------------------------------------------------===//
// msa.pair_weighted_average: dimensions
//===----------------------------------------------------------------------===//

// -----

func.func @fused_dim_b(%x: memref<1x2x3x4x8xf32>, %bias: memref<2x3x3x4xf32>,
                       %out: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average' op dimension B of operand 'bias' (dim 0) is 2, but operand 'v' has B = 1 (dim 0)}}
  msa.pair_weighted_average v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<2x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
  return
}

// -----

func.func @fused_dim_s(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                       %gate: memref<1x5x3x4x8xf32>,
                       %out: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average' op dimension S of operand 'gate' (dim 1) is 5, but operand 'v' has S = 2 (dim 1)}}
  msa.pair_weighted_average v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%gate : memref<1x5x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
  return
}

// -----

func.func @fused_dim_r(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x7x7x4xf32>,
                       %out: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average' op dimension R of operand 'bias' (dim 1) is 7, but operand 'v' has R = 3 (dim 2)}}
  msa.pair_weighted_average v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x7x7x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
  return
}

// -----

// The second R of the bias disagrees with v.
func.func @fused_dim_bias_second_r(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x5x4xf32>,
                                   %out: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average' op dimension R of operand 'bias' (dim 2) is 5, but operand 'v' has R = 3 (dim 2)}}
  msa.pair_weighted_average v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x5x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
  return
}

// -----

// With R dynamic elsewhere, the bias is not square.
func.func @fused_dim_bias_not_square(%x: memref<1x2x?x4x8xf32>, %bias: memref<1x3x5x4xf32>,
                                     %out: memref<1x2x?x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average' op dimension R of operand 'bias' (dim 2) is 5, but operand 'bias' has R = 3 (dim 1)}}
  msa.pair_weighted_average v(%x : memref<1x2x?x4x8xf32>)
      bias(%bias : memref<1x3x5x4xf32>)
      gate(%x : memref<1x2x?x4x8xf32>)
      out(%out : memref<1x2x?x4x8xf32>)
  return
}

// -----

func.func @fused_dim_h(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x8xf32>,
                       %out: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average' op dimension H of operand 'bias' (dim 3) is 8, but operand 'v' has H = 4 (dim 3)}}
  msa.pair_weighted_average v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x8xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
  return
}

// -----

func.func @fused_dim_c(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                       %out: memref<1x2x3x4x16xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average' op dimension C of operand 'out' (dim 4) is 16, but operand 'v' has C = 8 (dim 4)}}
  msa.pair_weighted_average v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x16xf32>)
  return
}

// -----

// A dynamic v does not hide a disagreement between the other operands.
func.func @fused_dim_c_dynamic_v(%v: memref<?x?x?x?x?xf32>, %bias: memref<1x3x3x4xf32>,
                                 %gate: memref<1x2x3x4x8xf32>, %out: memref<1x2x3x4x16xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average' op dimension C of operand 'out' (dim 4) is 16, but operand 'gate' has C = 8 (dim 4)}}
  msa.pair_weighted_average v(%v : memref<?x?x?x?x?xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%gate : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x16xf32>)
  return
}

// -----

func.func @fused_dim_pair_mask_r(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                                 %pm: memref<1x3x4xf32>,
                                 %out: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average' op dimension R of operand 'pair_mask' (dim 2) is 4, but operand 'v' has R = 3 (dim 2)}}
  msa.pair_weighted_average v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      pair_mask(%pm : memref<1x3x4xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
  return
}

// -----

func.func @fused_dim_pair_mask_b(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                                 %pm: memref<2x3x3xf32>,
                                 %out: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average' op dimension B of operand 'pair_mask' (dim 0) is 2, but operand 'v' has B = 1 (dim 0)}}
  msa.pair_weighted_average v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      pair_mask(%pm : memref<2x3x3xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
  return
}

// -----

func.func @fused_dim_msa_mask_s(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                                %mm: memref<1x5x3xf32>,
                                %out: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average' op dimension S of operand 'msa_mask' (dim 1) is 5, but operand 'v' has S = 2 (dim 1)}}
  msa.pair_weighted_average v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      msa_mask(%mm : memref<1x5x3xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
  return
}

// -----

func.func @fused_dim_msa_mask_r(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                                %mm: memref<1x2x6xf32>,
                                %out: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average' op dimension R of operand 'msa_mask' (dim 2) is 6, but operand 'v' has R = 3 (dim 2)}}
  msa.pair_weighted_average v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      msa_mask(%mm : memref<1x2x6xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
  return
}

// -----

func.func @fused_dim_lse_h(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                           %lse: memref<1x3x4xf32>,
                           %out: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average' op dimension H of operand 'lse' (dim 1) is 3, but operand 'v' has H = 4 (dim 3)}}
  msa.pair_weighted_average v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
      lse(%lse : memref<1x3x4xf32>)
  return
}

// -----

func.func @fused_dim_lse_r(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                           %lse: memref<1x4x2xf32>,
                           %out: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average' op dimension R of operand 'lse' (dim 2) is 2, but operand 'v' has R = 3 (dim 2)}}
  msa.pair_weighted_average v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
      lse(%lse : memref<1x4x2xf32>)
  return
}

//===----------------------------------------------------------------------===//
// msa.pair_weighted_average: attributes
//===----------------------------------------------------------------------===//

// -----

// Finite in f64 but not in f32, where the kernels compute.
func.func @fused_inf_beyond_f32(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                                %out: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average' op attribute 'inf' must be positive and finite, got 1.000000e+39}}
  msa.pair_weighted_average v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>) {inf = 1.0e+39 : f64}
  return
}

// -----

func.func @fused_inf_zero(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                          %out: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average' op attribute 'inf' must be positive and finite, got 0.000000e+00}}
  msa.pair_weighted_average v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>) {inf = 0.0 : f64}
  return
}

// -----

func.func @fused_inf_negative(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                              %out: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average' op attribute 'inf' must be positive and finite, got -1.000000e+09}}
  msa.pair_weighted_average v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>) {inf = -1.0e9 : f64}
  return
}

// -----

func.func @fused_inf_infinite(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                              %out: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average' op attribute 'inf' must be positive and finite, got INF}}
  msa.pair_weighted_average v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>) {inf = 0x7FF0000000000000 : f64}
  return
}

// -----

func.func @fused_inf_nan(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                         %out: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average' op attribute 'inf' must be positive and finite, got nan}}
  msa.pair_weighted_average v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>) {inf = 0x7FF8000000000000 : f64}
  return
}

// -----

func.func @fused_tf32_bf16(%x: memref<1x2x3x4x8xbf16>, %bias: memref<1x3x3x4xf32>,
                           %out: memref<1x2x3x4x8xbf16>) {
  // expected-error @+1 {{'msa.pair_weighted_average' op precision 'tf32' requires f32 data, got 'bf16'}}
  msa.pair_weighted_average v(%x : memref<1x2x3x4x8xbf16>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xbf16>)
      out(%out : memref<1x2x3x4x8xbf16>) {precision = #msa.precision<tf32>}
  return
}

// -----

func.func @fused_tf32_f16(%x: memref<1x2x3x4x8xf16>, %bias: memref<1x3x3x4xf16>,
                          %out: memref<1x2x3x4x8xf16>) {
  // expected-error @+1 {{'msa.pair_weighted_average' op precision 'tf32' requires f32 data, got 'f16'}}
  msa.pair_weighted_average v(%x : memref<1x2x3x4x8xf16>)
      bias(%bias : memref<1x3x3x4xf16>)
      gate(%x : memref<1x2x3x4x8xf16>)
      out(%out : memref<1x2x3x4x8xf16>) {precision = #msa.precision<tf32>}
  return
}

//===----------------------------------------------------------------------===//
// msa.pair_weighted_average: outputs that alias other operands
//===----------------------------------------------------------------------===//

// -----

// `out` is the very buffer `v` is read from.
func.func @fused_out_is_v(%v: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                          %gate: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average' op operand 'out' and operand 'v' are views of one buffer; outputs must not alias other operands}}
  msa.pair_weighted_average v(%v : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%gate : memref<1x2x3x4x8xf32>)
      out(%v : memref<1x2x3x4x8xf32>)
  return
}

// -----

func.func @fused_out_is_gate(%v: memref<1x2x3x4x8xbf16>, %bias: memref<1x3x3x4xf32>,
                             %gate: memref<1x2x3x4x8xbf16>) {
  // expected-error @+1 {{'msa.pair_weighted_average' op operand 'out' and operand 'gate' are views of one buffer; outputs must not alias other operands}}
  msa.pair_weighted_average v(%v : memref<1x2x3x4x8xbf16>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%gate : memref<1x2x3x4x8xbf16>)
      out(%gate : memref<1x2x3x4x8xbf16>)
  return
}

// -----

// A memref.cast is a view of its source: an `out` cast from `v` aliases it
// although the SSA values differ.
func.func @fused_out_cast_of_v(%v: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                               %gate: memref<1x2x3x4x8xf32>) {
  %oc = memref.cast %v : memref<1x2x3x4x8xf32> to memref<?x?x?x?x?xf32>
  // expected-error @+1 {{'msa.pair_weighted_average' op operand 'out' and operand 'v' are views of one buffer; outputs must not alias other operands}}
  msa.pair_weighted_average v(%v : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%gate : memref<1x2x3x4x8xf32>)
      out(%oc : memref<?x?x?x?x?xf32>)
  return
}

// -----

// Both sides may be views: `v` and `out` are casts of one buffer.
func.func @fused_out_and_v_casts_of_one_buffer(%x: memref<1x2x3x4x8xf32>,
                                               %bias: memref<1x3x3x4xf32>,
                                               %gate: memref<1x2x3x4x8xf32>) {
  %vc = memref.cast %x : memref<1x2x3x4x8xf32> to memref<?x2x3x4x8xf32>
  %oc = memref.cast %x : memref<1x2x3x4x8xf32> to memref<1x?x3x4x8xf32>
  // expected-error @+1 {{'msa.pair_weighted_average' op operand 'out' and operand 'v' are views of one buffer; outputs must not alias other operands}}
  msa.pair_weighted_average v(%vc : memref<?x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%gate : memref<1x2x3x4x8xf32>)
      out(%oc : memref<1x?x3x4x8xf32>)
  return
}

// -----

// A subview covering all of `v` is a view of it too.
func.func @fused_out_subview_of_v(%v: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                                  %gate: memref<1x2x3x4x8xf32>) {
  %sv = memref.subview %v[0, 0, 0, 0, 0] [1, 2, 3, 4, 8] [1, 1, 1, 1, 1]
      : memref<1x2x3x4x8xf32> to memref<1x2x3x4x8xf32, strided<[192, 96, 32, 8, 1]>>
  // expected-error @+1 {{'msa.pair_weighted_average' op operand 'out' and operand 'v' are views of one buffer; outputs must not alias other operands}}
  msa.pair_weighted_average v(%v : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%gate : memref<1x2x3x4x8xf32>)
      out(%sv : memref<1x2x3x4x8xf32, strided<[192, 96, 32, 8, 1]>>)
  return
}

// -----

// `lse` [B, H, R] has the type of an f32 pair mask [B, R, R] when H = R.
func.func @fused_lse_is_pair_mask(%v: memref<1x2x3x3x8xf32>, %bias: memref<1x3x3x3xf32>,
                                  %pm: memref<1x3x3xf32>, %out: memref<1x2x3x3x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average' op operand 'lse' and operand 'pair_mask' are views of one buffer; outputs must not alias other operands}}
  msa.pair_weighted_average v(%v : memref<1x2x3x3x8xf32>)
      bias(%bias : memref<1x3x3x3xf32>)
      gate(%v : memref<1x2x3x3x8xf32>)
      pair_mask(%pm : memref<1x3x3xf32>)
      out(%out : memref<1x2x3x3x8xf32>)
      lse(%pm : memref<1x3x3xf32>)
  return
}

// -----

// Output and output: `lse` is a reshaped view of `out`.
func.func @fused_lse_view_of_out(%v: memref<1x1x3x3x1xf32>, %bias: memref<1x3x3x3xf32>,
                                 %out: memref<1x1x3x3x1xf32>) {
  %lse = memref.collapse_shape %out [[0], [1, 2], [3, 4]]
      : memref<1x1x3x3x1xf32> into memref<1x3x3xf32>
  // expected-error @+1 {{'msa.pair_weighted_average' op operand 'out' and operand 'lse' are views of one buffer; outputs must not alias other operands}}
  msa.pair_weighted_average v(%v : memref<1x1x3x3x1xf32>)
      bias(%bias : memref<1x3x3x3xf32>)
      gate(%v : memref<1x1x3x3x1xf32>)
      out(%out : memref<1x1x3x3x1xf32>)
      lse(%lse : memref<1x3x3xf32>)
  return
}

//===----------------------------------------------------------------------===//
// msa.pair_weighted_average_grad
//===----------------------------------------------------------------------===//

// -----

func.func @grad_unranked_dbias(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                               %lse: memref<1x4x3xf32>, %dbias: memref<*xf32>,
                               %dv: memref<1x2x3x4x8xf32>,
                               %dg: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average_grad' op operand 'dbias' must be a ranked memref, got 'memref<*xf32>'}}
  msa.pair_weighted_average_grad dout(%x : memref<1x2x3x4x8xf32>)
      v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      out(%x : memref<1x2x3x4x8xf32>)
      lse(%lse : memref<1x4x3xf32>)
      dv(%dv : memref<1x2x3x4x8xf32>)
      dbias(%dbias : memref<*xf32>)
      dgate(%dg : memref<1x2x3x4x8xf32>)
  return
}

// -----

func.func @grad_rank_dout(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                          %lse: memref<1x4x3xf32>, %dout: memref<2x3x4x8xf32>,
                          %dv: memref<1x2x3x4x8xf32>,
                          %dbias: memref<1x3x3x4xf32>,
                          %dg: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average_grad' op operand 'dout' must have rank 5 [B, S, R, H, C], got rank 4}}
  msa.pair_weighted_average_grad dout(%dout : memref<2x3x4x8xf32>)
      v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      out(%x : memref<1x2x3x4x8xf32>)
      lse(%lse : memref<1x4x3xf32>)
      dv(%dv : memref<1x2x3x4x8xf32>)
      dbias(%dbias : memref<1x3x3x4xf32>)
      dgate(%dg : memref<1x2x3x4x8xf32>)
  return
}

// -----

func.func @grad_rank_lse(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                         %lse: memref<4x3xf32>,
                         %dv: memref<1x2x3x4x8xf32>,
                         %dbias: memref<1x3x3x4xf32>,
                         %dg: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average_grad' op operand 'lse' must have rank 3 [B, H, R], got rank 2}}
  msa.pair_weighted_average_grad dout(%x : memref<1x2x3x4x8xf32>)
      v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      out(%x : memref<1x2x3x4x8xf32>)
      lse(%lse : memref<4x3xf32>)
      dv(%dv : memref<1x2x3x4x8xf32>)
      dbias(%dbias : memref<1x3x3x4xf32>)
      dgate(%dg : memref<1x2x3x4x8xf32>)
  return
}

// -----

func.func @grad_rank_pair_mask(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                               %lse: memref<1x4x3xf32>, %pm: memref<3x3xf32>,
                               %dv: memref<1x2x3x4x8xf32>,
                               %dbias: memref<1x3x3x4xf32>,
                               %dg: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average_grad' op operand 'pair_mask' must have rank 3 [B, R, R], got rank 2}}
  msa.pair_weighted_average_grad dout(%x : memref<1x2x3x4x8xf32>)
      v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      out(%x : memref<1x2x3x4x8xf32>)
      lse(%lse : memref<1x4x3xf32>)
      pair_mask(%pm : memref<3x3xf32>)
      dv(%dv : memref<1x2x3x4x8xf32>)
      dbias(%dbias : memref<1x3x3x4xf32>)
      dgate(%dg : memref<1x2x3x4x8xf32>)
  return
}

// -----

func.func @grad_rank_dbias(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                           %lse: memref<1x4x3xf32>, %dbias: memref<1x3x3xf32>,
                           %dv: memref<1x2x3x4x8xf32>,
                           %dg: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average_grad' op operand 'dbias' must have rank 4 [B, R, R, H], got rank 3}}
  msa.pair_weighted_average_grad dout(%x : memref<1x2x3x4x8xf32>)
      v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      out(%x : memref<1x2x3x4x8xf32>)
      lse(%lse : memref<1x4x3xf32>)
      dv(%dv : memref<1x2x3x4x8xf32>)
      dbias(%dbias : memref<1x3x3xf32>)
      dgate(%dg : memref<1x2x3x4x8xf32>)
  return
}

// -----

func.func @grad_f64_lse(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                        %lse: memref<1x4x3xf16>,
                        %dv: memref<1x2x3x4x8xf32>,
                        %dbias: memref<1x3x3x4xf32>,
                        %dg: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average_grad' op operand 'lse' element type must be f32, got 'f16'}}
  msa.pair_weighted_average_grad dout(%x : memref<1x2x3x4x8xf32>)
      v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      out(%x : memref<1x2x3x4x8xf32>)
      lse(%lse : memref<1x4x3xf16>)
      dv(%dv : memref<1x2x3x4x8xf32>)
      dbias(%dbias : memref<1x3x3x4xf32>)
      dgate(%dg : memref<1x2x3x4x8xf32>)
  return
}

// -----

func.func @grad_i32_dv(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                       %lse: memref<1x4x3xf32>, %dv: memref<1x2x3x4x8xi32>,
                       %dbias: memref<1x3x3x4xf32>,
                       %dg: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average_grad' op operand 'dv' element type must be bf16, f16 or f32, got 'i32'}}
  msa.pair_weighted_average_grad dout(%x : memref<1x2x3x4x8xf32>)
      v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      out(%x : memref<1x2x3x4x8xf32>)
      lse(%lse : memref<1x4x3xf32>)
      dv(%dv : memref<1x2x3x4x8xi32>)
      dbias(%dbias : memref<1x3x3x4xf32>)
      dgate(%dg : memref<1x2x3x4x8xf32>)
  return
}

// -----

func.func @grad_dout_type(%x: memref<1x2x3x4x8xbf16>, %bias: memref<1x3x3x4xbf16>,
                          %lse: memref<1x4x3xf32>, %dout: memref<1x2x3x4x8xf32>,
                          %dv: memref<1x2x3x4x8xbf16>,
                          %dbias: memref<1x3x3x4xbf16>,
                          %dg: memref<1x2x3x4x8xbf16>) {
  // expected-error @+1 {{'msa.pair_weighted_average_grad' op operand 'dout' element type 'f32' must match operand 'v' element type 'bf16'}}
  msa.pair_weighted_average_grad dout(%dout : memref<1x2x3x4x8xf32>)
      v(%x : memref<1x2x3x4x8xbf16>)
      bias(%bias : memref<1x3x3x4xbf16>)
      gate(%x : memref<1x2x3x4x8xbf16>)
      out(%x : memref<1x2x3x4x8xbf16>)
      lse(%lse : memref<1x4x3xf32>)
      dv(%dv : memref<1x2x3x4x8xbf16>)
      dbias(%dbias : memref<1x3x3x4xbf16>)
      dgate(%dg : memref<1x2x3x4x8xbf16>)
  return
}

// -----

func.func @grad_dgate_type(%x: memref<1x2x3x4x8xbf16>, %bias: memref<1x3x3x4xbf16>,
                           %lse: memref<1x4x3xf32>, %dg: memref<1x2x3x4x8xf16>,
                           %dv: memref<1x2x3x4x8xbf16>,
                           %dbias: memref<1x3x3x4xbf16>) {
  // expected-error @+1 {{'msa.pair_weighted_average_grad' op operand 'dgate' element type 'f16' must match operand 'v' element type 'bf16'}}
  msa.pair_weighted_average_grad dout(%x : memref<1x2x3x4x8xbf16>)
      v(%x : memref<1x2x3x4x8xbf16>)
      bias(%bias : memref<1x3x3x4xbf16>)
      gate(%x : memref<1x2x3x4x8xbf16>)
      out(%x : memref<1x2x3x4x8xbf16>)
      lse(%lse : memref<1x4x3xf32>)
      dv(%dv : memref<1x2x3x4x8xbf16>)
      dbias(%dbias : memref<1x3x3x4xbf16>)
      dgate(%dg : memref<1x2x3x4x8xf16>)
  return
}

// -----

func.func @grad_bias_type(%x: memref<1x2x3x4x8xf16>, %bias: memref<1x3x3x4xbf16>,
                          %lse: memref<1x4x3xf32>, %dbias: memref<1x3x3x4xf16>,
                          %dv: memref<1x2x3x4x8xf16>,
                          %dg: memref<1x2x3x4x8xf16>) {
  // expected-error @+1 {{'msa.pair_weighted_average_grad' op operand 'bias' element type 'bf16' must be the data type 'f16' or f32}}
  msa.pair_weighted_average_grad dout(%x : memref<1x2x3x4x8xf16>)
      v(%x : memref<1x2x3x4x8xf16>)
      bias(%bias : memref<1x3x3x4xbf16>)
      gate(%x : memref<1x2x3x4x8xf16>)
      out(%x : memref<1x2x3x4x8xf16>)
      lse(%lse : memref<1x4x3xf32>)
      dv(%dv : memref<1x2x3x4x8xf16>)
      dbias(%dbias : memref<1x3x3x4xf16>)
      dgate(%dg : memref<1x2x3x4x8xf16>)
  return
}

// -----

func.func @grad_dbias_type(%x: memref<1x2x3x4x8xbf16>, %bias: memref<1x3x3x4xf32>,
                           %lse: memref<1x4x3xf32>, %dbias: memref<1x3x3x4xf16>,
                           %dv: memref<1x2x3x4x8xbf16>,
                           %dg: memref<1x2x3x4x8xbf16>) {
  // expected-error @+1 {{'msa.pair_weighted_average_grad' op operand 'dbias' element type 'f16' must be the data type 'bf16' or f32}}
  msa.pair_weighted_average_grad dout(%x : memref<1x2x3x4x8xbf16>)
      v(%x : memref<1x2x3x4x8xbf16>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xbf16>)
      out(%x : memref<1x2x3x4x8xbf16>)
      lse(%lse : memref<1x4x3xf32>)
      dv(%dv : memref<1x2x3x4x8xbf16>)
      dbias(%dbias : memref<1x3x3x4xf16>)
      dgate(%dg : memref<1x2x3x4x8xbf16>)
  return
}

// -----

func.func @grad_dim_dv_s(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                         %lse: memref<1x4x3xf32>, %dv: memref<1x9x3x4x8xf32>,
                         %dbias: memref<1x3x3x4xf32>,
                         %dg: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average_grad' op dimension S of operand 'dv' (dim 1) is 9, but operand 'dout' has S = 2 (dim 1)}}
  msa.pair_weighted_average_grad dout(%x : memref<1x2x3x4x8xf32>)
      v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      out(%x : memref<1x2x3x4x8xf32>)
      lse(%lse : memref<1x4x3xf32>)
      dv(%dv : memref<1x9x3x4x8xf32>)
      dbias(%dbias : memref<1x3x3x4xf32>)
      dgate(%dg : memref<1x2x3x4x8xf32>)
  return
}

// -----

func.func @grad_dim_lse_b(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                          %lse: memref<3x4x3xf32>,
                          %dv: memref<1x2x3x4x8xf32>,
                          %dbias: memref<1x3x3x4xf32>,
                          %dg: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average_grad' op dimension B of operand 'lse' (dim 0) is 3, but operand 'dout' has B = 1 (dim 0)}}
  msa.pair_weighted_average_grad dout(%x : memref<1x2x3x4x8xf32>)
      v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      out(%x : memref<1x2x3x4x8xf32>)
      lse(%lse : memref<3x4x3xf32>)
      dv(%dv : memref<1x2x3x4x8xf32>)
      dbias(%dbias : memref<1x3x3x4xf32>)
      dgate(%dg : memref<1x2x3x4x8xf32>)
  return
}

// -----

func.func @grad_dim_dbias_h(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                            %lse: memref<1x4x3xf32>, %dbias: memref<1x3x3x2xf32>,
                            %dv: memref<1x2x3x4x8xf32>,
                            %dg: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average_grad' op dimension H of operand 'dbias' (dim 3) is 2, but operand 'dout' has H = 4 (dim 3)}}
  msa.pair_weighted_average_grad dout(%x : memref<1x2x3x4x8xf32>)
      v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      out(%x : memref<1x2x3x4x8xf32>)
      lse(%lse : memref<1x4x3xf32>)
      dv(%dv : memref<1x2x3x4x8xf32>)
      dbias(%dbias : memref<1x3x3x2xf32>)
      dgate(%dg : memref<1x2x3x4x8xf32>)
  return
}

// -----

func.func @grad_dim_dbias_second_r(%x: memref<1x2x?x4x8xf32>, %bias: memref<1x?x?x4xf32>,
                                   %lse: memref<1x4x?xf32>, %dbias: memref<1x6x7x4xf32>,
                                   %dv: memref<1x2x?x4x8xf32>,
                                   %dg: memref<1x2x?x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average_grad' op dimension R of operand 'dbias' (dim 2) is 7, but operand 'dbias' has R = 6 (dim 1)}}
  msa.pair_weighted_average_grad dout(%x : memref<1x2x?x4x8xf32>)
      v(%x : memref<1x2x?x4x8xf32>)
      bias(%bias : memref<1x?x?x4xf32>)
      gate(%x : memref<1x2x?x4x8xf32>)
      out(%x : memref<1x2x?x4x8xf32>)
      lse(%lse : memref<1x4x?xf32>)
      dv(%dv : memref<1x2x?x4x8xf32>)
      dbias(%dbias : memref<1x6x7x4xf32>)
      dgate(%dg : memref<1x2x?x4x8xf32>)
  return
}

// -----

func.func @grad_dim_msa_mask_s(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                               %lse: memref<1x4x3xf32>, %mm: memref<1x1x3xf32>,
                               %dv: memref<1x2x3x4x8xf32>,
                               %dbias: memref<1x3x3x4xf32>,
                               %dg: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average_grad' op dimension S of operand 'msa_mask' (dim 1) is 1, but operand 'dout' has S = 2 (dim 1)}}
  msa.pair_weighted_average_grad dout(%x : memref<1x2x3x4x8xf32>)
      v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      out(%x : memref<1x2x3x4x8xf32>)
      lse(%lse : memref<1x4x3xf32>)
      msa_mask(%mm : memref<1x1x3xf32>)
      dv(%dv : memref<1x2x3x4x8xf32>)
      dbias(%dbias : memref<1x3x3x4xf32>)
      dgate(%dg : memref<1x2x3x4x8xf32>)
  return
}

// -----

func.func @grad_inf_zero(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                         %lse: memref<1x4x3xf32>,
                         %dv: memref<1x2x3x4x8xf32>,
                         %dbias: memref<1x3x3x4xf32>,
                         %dg: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average_grad' op attribute 'inf' must be positive and finite, got 0.000000e+00}}
  msa.pair_weighted_average_grad dout(%x : memref<1x2x3x4x8xf32>)
      v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      out(%x : memref<1x2x3x4x8xf32>)
      lse(%lse : memref<1x4x3xf32>)
      dv(%dv : memref<1x2x3x4x8xf32>)
      dbias(%dbias : memref<1x3x3x4xf32>)
      dgate(%dg : memref<1x2x3x4x8xf32>) {inf = 0.0 : f64}
  return
}

// -----

func.func @grad_tf32_bf16(%x: memref<1x2x3x4x8xbf16>, %bias: memref<1x3x3x4xbf16>,
                          %lse: memref<1x4x3xf32>,
                          %dv: memref<1x2x3x4x8xbf16>,
                          %dbias: memref<1x3x3x4xbf16>,
                          %dg: memref<1x2x3x4x8xbf16>) {
  // expected-error @+1 {{'msa.pair_weighted_average_grad' op precision 'tf32' requires f32 data, got 'bf16'}}
  msa.pair_weighted_average_grad dout(%x : memref<1x2x3x4x8xbf16>)
      v(%x : memref<1x2x3x4x8xbf16>)
      bias(%bias : memref<1x3x3x4xbf16>)
      gate(%x : memref<1x2x3x4x8xbf16>)
      out(%x : memref<1x2x3x4x8xbf16>)
      lse(%lse : memref<1x4x3xf32>)
      dv(%dv : memref<1x2x3x4x8xbf16>)
      dbias(%dbias : memref<1x3x3x4xbf16>)
      dgate(%dg : memref<1x2x3x4x8xbf16>) {precision = #msa.precision<tf32>}
  return
}

// -----

// With f32 data the only allowed bias and dbias type is f32.
func.func @grad_bias_narrower_than_data(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xbf16>,
                                        %lse: memref<1x4x3xf32>, %dv: memref<1x2x3x4x8xf32>,
                                        %dbias: memref<1x3x3x4xf32>, %dg: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average_grad' op operand 'bias' element type 'bf16' must be f32}}
  msa.pair_weighted_average_grad dout(%x : memref<1x2x3x4x8xf32>)
      v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xbf16>)
      gate(%x : memref<1x2x3x4x8xf32>)
      out(%x : memref<1x2x3x4x8xf32>)
      lse(%lse : memref<1x4x3xf32>)
      dv(%dv : memref<1x2x3x4x8xf32>)
      dbias(%dbias : memref<1x3x3x4xf32>)
      dgate(%dg : memref<1x2x3x4x8xf32>)
  return
}

// -----

func.func @grad_dbias_narrower_than_data(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                                         %lse: memref<1x4x3xf32>, %dv: memref<1x2x3x4x8xf32>,
                                         %dbias: memref<1x3x3x4xf16>, %dg: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average_grad' op operand 'dbias' element type 'f16' must be f32}}
  msa.pair_weighted_average_grad dout(%x : memref<1x2x3x4x8xf32>)
      v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      out(%x : memref<1x2x3x4x8xf32>)
      lse(%lse : memref<1x4x3xf32>)
      dv(%dv : memref<1x2x3x4x8xf32>)
      dbias(%dbias : memref<1x3x3x4xf16>)
      dgate(%dg : memref<1x2x3x4x8xf32>)
  return
}

//===----------------------------------------------------------------------===//
// msa.pair_weighted_average_grad: outputs that alias other operands
//===----------------------------------------------------------------------===//

// -----

// The inputs may share one buffer (here dout, v, gate and out), but `dv` may
// not be one of them.
func.func @grad_dv_is_dout(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                           %lse: memref<1x4x3xf32>, %dbias: memref<1x3x3x4xf32>,
                           %dg: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average_grad' op operand 'dv' and operand 'dout' are views of one buffer; outputs must not alias other operands}}
  msa.pair_weighted_average_grad dout(%x : memref<1x2x3x4x8xf32>)
      v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      out(%x : memref<1x2x3x4x8xf32>)
      lse(%lse : memref<1x4x3xf32>)
      dv(%x : memref<1x2x3x4x8xf32>)
      dbias(%dbias : memref<1x3x3x4xf32>)
      dgate(%dg : memref<1x2x3x4x8xf32>)
  return
}

// -----

// Accumulating dbias into the bias buffer is not allowed.
func.func @grad_dbias_is_bias(%dout: memref<1x2x3x4x8xf32>, %v: memref<1x2x3x4x8xf32>,
                              %bias: memref<1x3x3x4xf32>, %gate: memref<1x2x3x4x8xf32>,
                              %out: memref<1x2x3x4x8xf32>, %lse: memref<1x4x3xf32>,
                              %dv: memref<1x2x3x4x8xf32>, %dg: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average_grad' op operand 'dbias' and operand 'bias' are views of one buffer; outputs must not alias other operands}}
  msa.pair_weighted_average_grad dout(%dout : memref<1x2x3x4x8xf32>)
      v(%v : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%gate : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
      lse(%lse : memref<1x4x3xf32>)
      dv(%dv : memref<1x2x3x4x8xf32>)
      dbias(%bias : memref<1x3x3x4xf32>)
      dgate(%dg : memref<1x2x3x4x8xf32>)
  return
}

// -----

// `dgate` through a cast of `gate`.
func.func @grad_dgate_cast_of_gate(%dout: memref<1x2x3x4x8xbf16>, %v: memref<1x2x3x4x8xbf16>,
                                   %bias: memref<1x3x3x4xbf16>, %gate: memref<1x2x3x4x8xbf16>,
                                   %out: memref<1x2x3x4x8xbf16>, %lse: memref<1x4x3xf32>,
                                   %dv: memref<1x2x3x4x8xbf16>, %dbias: memref<1x3x3x4xf32>) {
  %dgc = memref.cast %gate : memref<1x2x3x4x8xbf16> to memref<?x?x?x?x?xbf16>
  // expected-error @+1 {{'msa.pair_weighted_average_grad' op operand 'dgate' and operand 'gate' are views of one buffer; outputs must not alias other operands}}
  msa.pair_weighted_average_grad dout(%dout : memref<1x2x3x4x8xbf16>)
      v(%v : memref<1x2x3x4x8xbf16>)
      bias(%bias : memref<1x3x3x4xbf16>)
      gate(%gate : memref<1x2x3x4x8xbf16>)
      out(%out : memref<1x2x3x4x8xbf16>)
      lse(%lse : memref<1x4x3xf32>)
      dv(%dv : memref<1x2x3x4x8xbf16>)
      dbias(%dbias : memref<1x3x3x4xf32>)
      dgate(%dgc : memref<?x?x?x?x?xbf16>)
  return
}

// -----

// Output and output: `dv` and `dgate` are one buffer.
func.func @grad_dv_is_dgate(%dout: memref<1x2x3x4x8xf32>, %v: memref<1x2x3x4x8xf32>,
                            %bias: memref<1x3x3x4xf32>, %gate: memref<1x2x3x4x8xf32>,
                            %out: memref<1x2x3x4x8xf32>, %lse: memref<1x4x3xf32>,
                            %dbias: memref<1x3x3x4xf32>, %dvg: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.pair_weighted_average_grad' op operand 'dv' and operand 'dgate' are views of one buffer; outputs must not alias other operands}}
  msa.pair_weighted_average_grad dout(%dout : memref<1x2x3x4x8xf32>)
      v(%v : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%gate : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
      lse(%lse : memref<1x4x3xf32>)
      dv(%dvg : memref<1x2x3x4x8xf32>)
      dbias(%dbias : memref<1x3x3x4xf32>)
      dgate(%dvg : memref<1x2x3x4x8xf32>)
  return
}

// -----

// Output and output through a cast: `dgate` is a cast of `dv`.
func.func @grad_dgate_cast_of_dv(%dout: memref<1x2x3x4x8xf32>, %v: memref<1x2x3x4x8xf32>,
                                 %bias: memref<1x3x3x4xf32>, %gate: memref<1x2x3x4x8xf32>,
                                 %out: memref<1x2x3x4x8xf32>, %lse: memref<1x4x3xf32>,
                                 %dv: memref<1x2x3x4x8xf32>, %dbias: memref<1x3x3x4xf32>) {
  %dgc = memref.cast %dv : memref<1x2x3x4x8xf32> to memref<1x2x3x4x?xf32>
  // expected-error @+1 {{'msa.pair_weighted_average_grad' op operand 'dv' and operand 'dgate' are views of one buffer; outputs must not alias other operands}}
  msa.pair_weighted_average_grad dout(%dout : memref<1x2x3x4x8xf32>)
      v(%v : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%gate : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
      lse(%lse : memref<1x4x3xf32>)
      dv(%dv : memref<1x2x3x4x8xf32>)
      dbias(%dbias : memref<1x3x3x4xf32>)
      dgate(%dgc : memref<1x2x3x4x?xf32>)
  return
}

//===----------------------------------------------------------------------===//
// msa.masked_softmax
//===----------------------------------------------------------------------===//

// -----

func.func @softmax_unranked_weights(%bias: memref<1x3x3x4xf32>, %w: memref<*xf32>) {
  // expected-error @+1 {{'msa.masked_softmax' op operand 'weights' must be a ranked memref, got 'memref<*xf32>'}}
  msa.masked_softmax bias(%bias : memref<1x3x3x4xf32>) weights(%w : memref<*xf32>)
  return
}

// -----

func.func @softmax_rank_weights(%bias: memref<1x3x3x4xf32>, %w: memref<1x3x3xf32>) {
  // expected-error @+1 {{'msa.masked_softmax' op operand 'weights' must have rank 4 [B, R, R, H], got rank 3}}
  msa.masked_softmax bias(%bias : memref<1x3x3x4xf32>) weights(%w : memref<1x3x3xf32>)
  return
}

// -----

func.func @softmax_rank_pair_mask(%bias: memref<1x3x3x4xf32>, %pm: memref<1x3x3x4xf32>) {
  // expected-error @+1 {{'msa.masked_softmax' op operand 'pair_mask' must have rank 3 [B, R, R], got rank 4}}
  msa.masked_softmax bias(%bias : memref<1x3x3x4xf32>)
      pair_mask(%pm : memref<1x3x3x4xf32>) weights(%bias : memref<1x3x3x4xf32>)
  return
}

// -----

func.func @softmax_f64_bias(%bias: memref<1x3x3x4xf64>, %w: memref<1x3x3x4xf32>) {
  // expected-error @+1 {{'msa.masked_softmax' op operand 'bias' element type must be bf16, f16 or f32, got 'f64'}}
  msa.masked_softmax bias(%bias : memref<1x3x3x4xf64>) weights(%w : memref<1x3x3x4xf32>)
  return
}

// -----

func.func @softmax_i32_pair_mask(%bias: memref<1x3x3x4xf32>, %pm: memref<1x3x3xi32>) {
  // expected-error @+1 {{'msa.masked_softmax' op operand 'pair_mask' element type must be bf16, f16 or f32, got 'i32'}}
  msa.masked_softmax bias(%bias : memref<1x3x3x4xf32>)
      pair_mask(%pm : memref<1x3x3xi32>) weights(%bias : memref<1x3x3x4xf32>)
  return
}

// -----

func.func @softmax_dim_h(%bias: memref<1x3x3x4xf32>, %w: memref<1x3x3x8xbf16>) {
  // expected-error @+1 {{'msa.masked_softmax' op dimension H of operand 'weights' (dim 3) is 8, but operand 'bias' has H = 4 (dim 3)}}
  msa.masked_softmax bias(%bias : memref<1x3x3x4xf32>) weights(%w : memref<1x3x3x8xbf16>)
  return
}

// -----

func.func @softmax_dim_bias_not_square(%bias: memref<1x3x4x4xf32>, %w: memref<1x?x?x4xf32>) {
  // expected-error @+1 {{'msa.masked_softmax' op dimension R of operand 'bias' (dim 2) is 4, but operand 'bias' has R = 3 (dim 1)}}
  msa.masked_softmax bias(%bias : memref<1x3x4x4xf32>) weights(%w : memref<1x?x?x4xf32>)
  return
}

// -----

func.func @softmax_dim_pair_mask_r(%bias: memref<1x3x3x4xf32>, %pm: memref<1x3x5xf32>) {
  // expected-error @+1 {{'msa.masked_softmax' op dimension R of operand 'pair_mask' (dim 2) is 5, but operand 'bias' has R = 3 (dim 1)}}
  msa.masked_softmax bias(%bias : memref<1x3x3x4xf32>)
      pair_mask(%pm : memref<1x3x5xf32>) weights(%bias : memref<1x3x3x4xf32>)
  return
}

// -----

func.func @softmax_inf_negative(%bias: memref<1x3x3x4xf32>, %w: memref<1x3x3x4xf32>) {
  // expected-error @+1 {{'msa.masked_softmax' op attribute 'inf' must be positive and finite, got -1.000000e+00}}
  msa.masked_softmax bias(%bias : memref<1x3x3x4xf32>) weights(%w : memref<1x3x3x4xf32>) {inf = -1.0 : f64}
  return
}

//===----------------------------------------------------------------------===//
// msa.weighted_sum
//===----------------------------------------------------------------------===//

// -----

func.func @sum_unranked_v(%w: memref<1x3x3x4xf32>, %v: memref<*xbf16>, %o: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.weighted_sum' op operand 'v' must be a ranked memref, got 'memref<*xbf16>'}}
  msa.weighted_sum weights(%w : memref<1x3x3x4xf32>) v(%v : memref<*xbf16>) out(%o : memref<1x2x3x4x8xf32>)
  return
}

// -----

func.func @sum_rank_weights(%w: memref<1x3x3x4x1xf32>, %o: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.weighted_sum' op operand 'weights' must have rank 4 [B, R, R, H], got rank 5}}
  msa.weighted_sum weights(%w : memref<1x3x3x4x1xf32>) v(%o : memref<1x2x3x4x8xf32>) out(%o : memref<1x2x3x4x8xf32>)
  return
}

// -----

func.func @sum_rank_msa_mask(%w: memref<1x3x3x4xf32>, %o: memref<1x2x3x4x8xf32>, %mm: memref<1x2x3x1xf32>) {
  // expected-error @+1 {{'msa.weighted_sum' op operand 'msa_mask' must have rank 3 [B, S, R], got rank 4}}
  msa.weighted_sum weights(%w : memref<1x3x3x4xf32>) v(%o : memref<1x2x3x4x8xf32>)
      msa_mask(%mm : memref<1x2x3x1xf32>) out(%o : memref<1x2x3x4x8xf32>)
  return
}

// -----

func.func @sum_i32_out(%w: memref<1x3x3x4xf32>, %v: memref<1x2x3x4x8xf32>, %o: memref<1x2x3x4x8xi32>) {
  // expected-error @+1 {{'msa.weighted_sum' op operand 'out' element type must be bf16, f16 or f32, got 'i32'}}
  msa.weighted_sum weights(%w : memref<1x3x3x4xf32>) v(%v : memref<1x2x3x4x8xf32>) out(%o : memref<1x2x3x4x8xi32>)
  return
}

// -----

func.func @sum_dim_r(%w: memref<1x4x4x4xf32>, %o: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.weighted_sum' op dimension R of operand 'v' (dim 2) is 3, but operand 'weights' has R = 4 (dim 1)}}
  msa.weighted_sum weights(%w : memref<1x4x4x4xf32>) v(%o : memref<1x2x3x4x8xf32>) out(%o : memref<1x2x3x4x8xf32>)
  return
}

// -----

func.func @sum_dim_msa_mask_s(%w: memref<1x3x3x4xf32>, %o: memref<1x2x3x4x8xf32>, %mm: memref<1x3x3xf32>) {
  // expected-error @+1 {{'msa.weighted_sum' op dimension S of operand 'msa_mask' (dim 1) is 3, but operand 'v' has S = 2 (dim 1)}}
  msa.weighted_sum weights(%w : memref<1x3x3x4xf32>) v(%o : memref<1x2x3x4x8xf32>)
      msa_mask(%mm : memref<1x3x3xf32>) out(%o : memref<1x2x3x4x8xf32>)
  return
}

// -----

func.func @sum_dim_out_c(%w: memref<1x3x3x4xf32>, %v: memref<1x2x3x4x8xf32>, %o: memref<1x2x3x4x4xf32>) {
  // expected-error @+1 {{'msa.weighted_sum' op dimension C of operand 'out' (dim 4) is 4, but operand 'v' has C = 8 (dim 4)}}
  msa.weighted_sum weights(%w : memref<1x3x3x4xf32>) v(%v : memref<1x2x3x4x8xf32>) out(%o : memref<1x2x3x4x4xf32>)
  return
}

//===----------------------------------------------------------------------===//
// msa.sigmoid_gate
//===----------------------------------------------------------------------===//

// -----

func.func @gate_unranked_out(%x: memref<1x2x3x4x8xf32>, %out: memref<*xf32>) {
  // expected-error @+1 {{'msa.sigmoid_gate' op operand 'out' must be a ranked memref, got 'memref<*xf32>'}}
  msa.sigmoid_gate input(%x : memref<1x2x3x4x8xf32>) gate(%x : memref<1x2x3x4x8xf32>) out(%out : memref<*xf32>)
  return
}

// -----

func.func @gate_rank_input(%in: memref<2x3x4x8xf32>, %x: memref<1x2x3x4x8xf32>) {
  // expected-error @+1 {{'msa.sigmoid_gate' op operand 'input' must have rank 5 [B, S, R, H, C], got rank 4}}
  msa.sigmoid_gate input(%in : memref<2x3x4x8xf32>) gate(%x : memref<1x2x3x4x8xf32>) out(%x : memref<1x2x3x4x8xf32>)
  return
}

// -----

func.func @gate_f64_gate(%x: memref<1x2x3x4x8xf32>, %g: memref<1x2x3x4x8xf64>) {
  // expected-error @+1 {{'msa.sigmoid_gate' op operand 'gate' element type must be bf16, f16 or f32, got 'f64'}}
  msa.sigmoid_gate input(%x : memref<1x2x3x4x8xf32>) gate(%g : memref<1x2x3x4x8xf64>) out(%x : memref<1x2x3x4x8xf32>)
  return
}

// -----

func.func @gate_dim_h(%x: memref<1x2x3x4x8xf32>, %g: memref<1x2x3x5x8xbf16>) {
  // expected-error @+1 {{'msa.sigmoid_gate' op dimension H of operand 'gate' (dim 3) is 5, but operand 'input' has H = 4 (dim 3)}}
  msa.sigmoid_gate input(%x : memref<1x2x3x4x8xf32>) gate(%g : memref<1x2x3x5x8xbf16>) out(%x : memref<1x2x3x4x8xf32>)
  return
}

// -----

func.func @gate_dim_b_out(%x: memref<?x2x3x4x8xf32>, %out: memref<2x2x3x4x8xf16>, %g: memref<1x2x3x4x8xf16>) {
  // expected-error @+1 {{'msa.sigmoid_gate' op dimension B of operand 'out' (dim 0) is 2, but operand 'gate' has B = 1 (dim 0)}}
  msa.sigmoid_gate input(%x : memref<?x2x3x4x8xf32>) gate(%g : memref<1x2x3x4x8xf16>) out(%out : memref<2x2x3x4x8xf16>)
  return
}
