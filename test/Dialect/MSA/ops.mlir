// Round trip of every msa op through the custom and the generic syntax.
//
// Each op appears with and without its optional operands, with static and
// dynamic shapes and with bf16, f16 and f32 data. Attributes that hold their
// default value (inf = 1e8, precision = ieee) must be elided when printed;
// every other value must survive both round trips unchanged.

// RUN: msa-opt %s | msa-opt | FileCheck %s
// RUN: msa-opt %s --mlir-print-op-generic | msa-opt | FileCheck %s

//===----------------------------------------------------------------------===//
// msa.pair_weighted_average
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @fused_minimal_f32(
// CHECK-SAME:      %[[V:[^:]*]]: memref<1x2x3x4x8xf32>, %[[BIAS:[^:]*]]: memref<1x3x3x4xf32>,
// CHECK-SAME:      %[[GATE:[^:]*]]: memref<1x2x3x4x8xf32>, %[[OUT:[^:]*]]: memref<1x2x3x4x8xf32>)
// CHECK:         msa.pair_weighted_average v(%[[V]] : memref<1x2x3x4x8xf32>)
// CHECK-SAME:      bias(%[[BIAS]] : memref<1x3x3x4xf32>) gate(%[[GATE]] : memref<1x2x3x4x8xf32>)
// CHECK-SAME:      out(%[[OUT]] : memref<1x2x3x4x8xf32>){{$}}
// CHECK-NEXT:    return
func.func @fused_minimal_f32(%v: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                             %gate: memref<1x2x3x4x8xf32>, %out: memref<1x2x3x4x8xf32>) {
  msa.pair_weighted_average v(%v : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%gate : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
  return
}

// All optional operands, bf16 data with an f32 bias, masks of two other
// types, and AF3's inf.
// CHECK-LABEL: func.func @fused_all_operands_bf16(
// CHECK-SAME:      %[[V:[^:]*]]: memref<2x5x33x8x32xbf16>, %[[BIAS:[^:]*]]: memref<2x33x33x8xf32>,
// CHECK-SAME:      %[[GATE:[^:]*]]: memref<2x5x33x8x32xbf16>, %[[PM:[^:]*]]: memref<2x33x33xf16>,
// CHECK-SAME:      %[[MM:[^:]*]]: memref<2x5x33xf32>, %[[OUT:[^:]*]]: memref<2x5x33x8x32xbf16>,
// CHECK-SAME:      %[[LSE:[^:]*]]: memref<2x8x33xf32>)
// CHECK:         msa.pair_weighted_average v(%[[V]] : memref<2x5x33x8x32xbf16>)
// CHECK-SAME:      bias(%[[BIAS]] : memref<2x33x33x8xf32>) gate(%[[GATE]] : memref<2x5x33x8x32xbf16>)
// CHECK-SAME:      pair_mask(%[[PM]] : memref<2x33x33xf16>) msa_mask(%[[MM]] : memref<2x5x33xf32>)
// CHECK-SAME:      out(%[[OUT]] : memref<2x5x33x8x32xbf16>) lse(%[[LSE]] : memref<2x8x33xf32>)
// CHECK-SAME:      {inf = 1.000000e+09 : f64}{{$}}
func.func @fused_all_operands_bf16(
    %v: memref<2x5x33x8x32xbf16>, %bias: memref<2x33x33x8xf32>,
    %gate: memref<2x5x33x8x32xbf16>, %pm: memref<2x33x33xf16>,
    %mm: memref<2x5x33xf32>, %out: memref<2x5x33x8x32xbf16>,
    %lse: memref<2x8x33xf32>) {
  msa.pair_weighted_average v(%v : memref<2x5x33x8x32xbf16>)
      bias(%bias : memref<2x33x33x8xf32>)
      gate(%gate : memref<2x5x33x8x32xbf16>)
      pair_mask(%pm : memref<2x33x33xf16>)
      msa_mask(%mm : memref<2x5x33xf32>)
      out(%out : memref<2x5x33x8x32xbf16>)
      lse(%lse : memref<2x8x33xf32>) {inf = 1.0e9 : f64}
  return
}

// Only one of the two masks; the other optional operands stay absent.
// CHECK-LABEL: func.func @fused_msa_mask_only(
// CHECK-SAME:      %[[V:[^:]*]]: memref<1x2x3x4x8xbf16>, %[[BIAS:[^:]*]]: memref<1x3x3x4xbf16>,
// CHECK-SAME:      %[[MM:[^:]*]]: memref<1x2x3xbf16>, %[[OUT:[^:]*]]: memref<1x2x3x4x8xbf16>)
// CHECK:         msa.pair_weighted_average v(%[[V]] : memref<1x2x3x4x8xbf16>)
// CHECK-SAME:      bias(%[[BIAS]] : memref<1x3x3x4xbf16>) gate(%[[V]] : memref<1x2x3x4x8xbf16>)
// CHECK-SAME:      msa_mask(%[[MM]] : memref<1x2x3xbf16>) out(%[[OUT]] : memref<1x2x3x4x8xbf16>){{$}}
// CHECK-NOT:     pair_mask
func.func @fused_msa_mask_only(%v: memref<1x2x3x4x8xbf16>, %bias: memref<1x3x3x4xbf16>,
                               %mm: memref<1x2x3xbf16>, %out: memref<1x2x3x4x8xbf16>) {
  msa.pair_weighted_average v(%v : memref<1x2x3x4x8xbf16>)
      bias(%bias : memref<1x3x3x4xbf16>)
      gate(%v : memref<1x2x3x4x8xbf16>)
      msa_mask(%mm : memref<1x2x3xbf16>)
      out(%out : memref<1x2x3x4x8xbf16>)
  return
}

// Inputs may be views of one buffer: the gate is a cast of v. Only outputs
// must not alias other operands.
// CHECK-LABEL: func.func @fused_gate_view_of_v(
// CHECK-SAME:      %[[V:[^:]*]]: memref<1x2x3x4x8xf32>, %[[BIAS:[^:]*]]: memref<1x3x3x4xf32>,
// CHECK-SAME:      %[[OUT:[^:]*]]: memref<1x2x3x4x8xf32>)
// CHECK-NEXT:    %[[GC:[^ ]+]] = memref.cast %[[V]] : memref<1x2x3x4x8xf32> to memref<?x?x?x?x?xf32>
// CHECK-NEXT:    msa.pair_weighted_average v(%[[V]] : memref<1x2x3x4x8xf32>)
// CHECK-SAME:      bias(%[[BIAS]] : memref<1x3x3x4xf32>) gate(%[[GC]] : memref<?x?x?x?x?xf32>)
// CHECK-SAME:      out(%[[OUT]] : memref<1x2x3x4x8xf32>){{$}}
func.func @fused_gate_view_of_v(%v: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                                %out: memref<1x2x3x4x8xf32>) {
  %gc = memref.cast %v : memref<1x2x3x4x8xf32> to memref<?x?x?x?x?xf32>
  msa.pair_weighted_average v(%v : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%gc : memref<?x?x?x?x?xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
  return
}

// Dynamic sizes, f16 data, a pair mask and the lse output; Boltz's inf.
// CHECK-LABEL: func.func @fused_dynamic_f16(
// CHECK-SAME:      %[[V:[^:]*]]: memref<?x?x?x?x?xf16>, %[[BIAS:[^:]*]]: memref<?x?x?x?xf16>,
// CHECK-SAME:      %[[GATE:[^:]*]]: memref<?x?x?x?x?xf16>, %[[PM:[^:]*]]: memref<?x?x?xbf16>,
// CHECK-SAME:      %[[OUT:[^:]*]]: memref<?x?x?x?x?xf16>, %[[LSE:[^:]*]]: memref<?x?x?xf32>)
// CHECK:         msa.pair_weighted_average v(%[[V]] : memref<?x?x?x?x?xf16>)
// CHECK-SAME:      bias(%[[BIAS]] : memref<?x?x?x?xf16>) gate(%[[GATE]] : memref<?x?x?x?x?xf16>)
// CHECK-SAME:      pair_mask(%[[PM]] : memref<?x?x?xbf16>) out(%[[OUT]] : memref<?x?x?x?x?xf16>)
// CHECK-SAME:      lse(%[[LSE]] : memref<?x?x?xf32>) {inf = 1.000000e+06 : f64}{{$}}
func.func @fused_dynamic_f16(%v: memref<?x?x?x?x?xf16>, %bias: memref<?x?x?x?xf16>,
                             %gate: memref<?x?x?x?x?xf16>, %pm: memref<?x?x?xbf16>,
                             %out: memref<?x?x?x?x?xf16>, %lse: memref<?x?x?xf32>) {
  msa.pair_weighted_average v(%v : memref<?x?x?x?x?xf16>)
      bias(%bias : memref<?x?x?x?xf16>)
      gate(%gate : memref<?x?x?x?x?xf16>)
      pair_mask(%pm : memref<?x?x?xbf16>)
      out(%out : memref<?x?x?x?x?xf16>)
      lse(%lse : memref<?x?x?xf32>) {inf = 1.0e6 : f64}
  return
}

// Static and dynamic sizes mixed across operands, and a strided layout.
// CHECK-LABEL: func.func @fused_mixed_static_dynamic(
// CHECK:         msa.pair_weighted_average v(%{{[^ ]+}} : memref<1x?x16x2x?xf32>)
// CHECK-SAME:      bias(%{{[^ ]+}} : memref<?x16x?x2xf32>)
// CHECK-SAME:      gate(%{{[^ ]+}} : memref<1x4x16x2x8xf32, strided<[2048, 512, 32, 16, 1]>>)
// CHECK-SAME:      out(%{{[^ ]+}} : memref<?x4x?x?x8xf32>){{$}}
func.func @fused_mixed_static_dynamic(
    %v: memref<1x?x16x2x?xf32>, %bias: memref<?x16x?x2xf32>,
    %gate: memref<1x4x16x2x8xf32, strided<[2048, 512, 32, 16, 1]>>,
    %out: memref<?x4x?x?x8xf32>) {
  msa.pair_weighted_average v(%v : memref<1x?x16x2x?xf32>)
      bias(%bias : memref<?x16x?x2xf32>)
      gate(%gate : memref<1x4x16x2x8xf32, strided<[2048, 512, 32, 16, 1]>>)
      out(%out : memref<?x4x?x?x8xf32>)
  return
}

// tf32 on f32 data is kept; spelled-out defaults are elided.
// CHECK-LABEL: func.func @fused_precision(
// CHECK:         msa.pair_weighted_average
// CHECK-SAME:      out(%{{[^ ]+}} : memref<1x2x3x4x8xf32>) {precision = #msa.precision<tf32>}{{$}}
// CHECK:         msa.pair_weighted_average
// CHECK-SAME:      out(%{{[^ ]+}} : memref<1x2x3x4x8xf32>){{$}}
// CHECK:         msa.pair_weighted_average
// CHECK-SAME:      out(%{{[^ ]+}} : memref<1x2x3x4x8xf32>) {inf = 1.000000e+09 : f64, precision = #msa.precision<tf32>}{{$}}
func.func @fused_precision(%v: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                           %out: memref<1x2x3x4x8xf32>) {
  msa.pair_weighted_average v(%v : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%v : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>) {precision = #msa.precision<tf32>}
  msa.pair_weighted_average v(%v : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%v : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
      {inf = 1.0e8 : f64, precision = #msa.precision<ieee>}
  msa.pair_weighted_average v(%v : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%v : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
      {inf = 1.0e9 : f64, precision = #msa.precision<tf32>}
  return
}

// Empty dimensions are valid IR.
// CHECK-LABEL: func.func @fused_empty(
// CHECK:         msa.pair_weighted_average v(%{{[^ ]+}} : memref<1x0x3x4x8xf32>)
func.func @fused_empty(%v: memref<1x0x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                       %out: memref<1x0x3x4x8xf32>) {
  msa.pair_weighted_average v(%v : memref<1x0x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%v : memref<1x0x3x4x8xf32>)
      out(%out : memref<1x0x3x4x8xf32>)
  return
}

//===----------------------------------------------------------------------===//
// msa.pair_weighted_average_grad
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @grad_minimal_f32(
// CHECK-SAME:      %[[DOUT:[^:]*]]: memref<1x3x17x4x16xf32>, %[[V:[^:]*]]: memref<1x3x17x4x16xf32>,
// CHECK-SAME:      %[[BIAS:[^:]*]]: memref<1x17x17x4xf32>, %[[GATE:[^:]*]]: memref<1x3x17x4x16xf32>,
// CHECK-SAME:      %[[OUT:[^:]*]]: memref<1x3x17x4x16xf32>, %[[LSE:[^:]*]]: memref<1x4x17xf32>,
// CHECK-SAME:      %[[DV:[^:]*]]: memref<1x3x17x4x16xf32>, %[[DBIAS:[^:]*]]: memref<1x17x17x4xf32>,
// CHECK-SAME:      %[[DG:[^:]*]]: memref<1x3x17x4x16xf32>)
// CHECK:         msa.pair_weighted_average_grad dout(%[[DOUT]] : memref<1x3x17x4x16xf32>)
// CHECK-SAME:      v(%[[V]] : memref<1x3x17x4x16xf32>) bias(%[[BIAS]] : memref<1x17x17x4xf32>)
// CHECK-SAME:      gate(%[[GATE]] : memref<1x3x17x4x16xf32>) out(%[[OUT]] : memref<1x3x17x4x16xf32>)
// CHECK-SAME:      lse(%[[LSE]] : memref<1x4x17xf32>) dv(%[[DV]] : memref<1x3x17x4x16xf32>)
// CHECK-SAME:      dbias(%[[DBIAS]] : memref<1x17x17x4xf32>) dgate(%[[DG]] : memref<1x3x17x4x16xf32>){{$}}
func.func @grad_minimal_f32(
    %dout: memref<1x3x17x4x16xf32>, %v: memref<1x3x17x4x16xf32>,
    %bias: memref<1x17x17x4xf32>, %gate: memref<1x3x17x4x16xf32>,
    %out: memref<1x3x17x4x16xf32>, %lse: memref<1x4x17xf32>,
    %dv: memref<1x3x17x4x16xf32>, %dbias: memref<1x17x17x4xf32>,
    %dg: memref<1x3x17x4x16xf32>) {
  msa.pair_weighted_average_grad dout(%dout : memref<1x3x17x4x16xf32>)
      v(%v : memref<1x3x17x4x16xf32>)
      bias(%bias : memref<1x17x17x4xf32>)
      gate(%gate : memref<1x3x17x4x16xf32>)
      out(%out : memref<1x3x17x4x16xf32>)
      lse(%lse : memref<1x4x17xf32>)
      dv(%dv : memref<1x3x17x4x16xf32>)
      dbias(%dbias : memref<1x17x17x4xf32>)
      dgate(%dg : memref<1x3x17x4x16xf32>)
  return
}

// Both masks, bf16 data, bf16 bias with an f32 dbias, and AF3's inf.
// CHECK-LABEL: func.func @grad_all_operands_bf16(
// CHECK-SAME:      %[[DOUT:[^:]*]]: memref<2x5x9x8x32xbf16>, %[[V:[^:]*]]: memref<2x5x9x8x32xbf16>,
// CHECK-SAME:      %[[BIAS:[^:]*]]: memref<2x9x9x8xbf16>, %[[GATE:[^:]*]]: memref<2x5x9x8x32xbf16>,
// CHECK-SAME:      %[[OUT:[^:]*]]: memref<2x5x9x8x32xbf16>, %[[LSE:[^:]*]]: memref<2x8x9xf32>,
// CHECK-SAME:      %[[PM:[^:]*]]: memref<2x9x9xbf16>, %[[MM:[^:]*]]: memref<2x5x9xbf16>,
// CHECK-SAME:      %[[DV:[^:]*]]: memref<2x5x9x8x32xbf16>, %[[DBIAS:[^:]*]]: memref<2x9x9x8xf32>,
// CHECK-SAME:      %[[DG:[^:]*]]: memref<2x5x9x8x32xbf16>)
// CHECK:         msa.pair_weighted_average_grad dout(%[[DOUT]] : memref<2x5x9x8x32xbf16>)
// CHECK-SAME:      v(%[[V]] : memref<2x5x9x8x32xbf16>) bias(%[[BIAS]] : memref<2x9x9x8xbf16>)
// CHECK-SAME:      gate(%[[GATE]] : memref<2x5x9x8x32xbf16>) out(%[[OUT]] : memref<2x5x9x8x32xbf16>)
// CHECK-SAME:      lse(%[[LSE]] : memref<2x8x9xf32>) pair_mask(%[[PM]] : memref<2x9x9xbf16>)
// CHECK-SAME:      msa_mask(%[[MM]] : memref<2x5x9xbf16>) dv(%[[DV]] : memref<2x5x9x8x32xbf16>)
// CHECK-SAME:      dbias(%[[DBIAS]] : memref<2x9x9x8xf32>) dgate(%[[DG]] : memref<2x5x9x8x32xbf16>)
// CHECK-SAME:      {inf = 1.000000e+09 : f64}{{$}}
func.func @grad_all_operands_bf16(
    %dout: memref<2x5x9x8x32xbf16>, %v: memref<2x5x9x8x32xbf16>,
    %bias: memref<2x9x9x8xbf16>, %gate: memref<2x5x9x8x32xbf16>,
    %out: memref<2x5x9x8x32xbf16>, %lse: memref<2x8x9xf32>,
    %pm: memref<2x9x9xbf16>, %mm: memref<2x5x9xbf16>,
    %dv: memref<2x5x9x8x32xbf16>, %dbias: memref<2x9x9x8xf32>,
    %dg: memref<2x5x9x8x32xbf16>) {
  msa.pair_weighted_average_grad dout(%dout : memref<2x5x9x8x32xbf16>)
      v(%v : memref<2x5x9x8x32xbf16>)
      bias(%bias : memref<2x9x9x8xbf16>)
      gate(%gate : memref<2x5x9x8x32xbf16>)
      out(%out : memref<2x5x9x8x32xbf16>)
      lse(%lse : memref<2x8x9xf32>)
      pair_mask(%pm : memref<2x9x9xbf16>)
      msa_mask(%mm : memref<2x5x9xbf16>)
      dv(%dv : memref<2x5x9x8x32xbf16>)
      dbias(%dbias : memref<2x9x9x8xf32>)
      dgate(%dg : memref<2x5x9x8x32xbf16>) {inf = 1.0e9 : f64}
  return
}

// Dynamic sizes, f16, only the pair mask, an f32 bias with an f16 dbias.
// The inputs may share one buffer; each output has its own.
// CHECK-LABEL: func.func @grad_dynamic_f16(
// CHECK-SAME:      %[[X:[^:]*]]: memref<?x?x?x?x?xf16>, %[[BIAS:[^:]*]]: memref<?x?x?x?xf32>,
// CHECK-SAME:      %[[LSE:[^:]*]]: memref<?x?x?xf32>, %[[PM:[^:]*]]: memref<?x?x?xf16>,
// CHECK-SAME:      %[[DV:[^:]*]]: memref<?x?x?x?x?xf16>, %[[DBIAS:[^:]*]]: memref<?x?x?x?xf16>,
// CHECK-SAME:      %[[DG:[^:]*]]: memref<?x?x?x?x?xf16>)
// CHECK:         msa.pair_weighted_average_grad dout(%[[X]] : memref<?x?x?x?x?xf16>)
// CHECK-SAME:      v(%[[X]] : memref<?x?x?x?x?xf16>) bias(%[[BIAS]] : memref<?x?x?x?xf32>)
// CHECK-SAME:      gate(%[[X]] : memref<?x?x?x?x?xf16>) out(%[[X]] : memref<?x?x?x?x?xf16>)
// CHECK-SAME:      lse(%[[LSE]] : memref<?x?x?xf32>) pair_mask(%[[PM]] : memref<?x?x?xf16>)
// CHECK-SAME:      dv(%[[DV]] : memref<?x?x?x?x?xf16>) dbias(%[[DBIAS]] : memref<?x?x?x?xf16>)
// CHECK-SAME:      dgate(%[[DG]] : memref<?x?x?x?x?xf16>){{$}}
// CHECK-NOT:     msa_mask
func.func @grad_dynamic_f16(
    %x: memref<?x?x?x?x?xf16>, %bias: memref<?x?x?x?xf32>,
    %lse: memref<?x?x?xf32>, %pm: memref<?x?x?xf16>,
    %dv: memref<?x?x?x?x?xf16>, %dbias: memref<?x?x?x?xf16>,
    %dg: memref<?x?x?x?x?xf16>) {
  msa.pair_weighted_average_grad dout(%x : memref<?x?x?x?x?xf16>)
      v(%x : memref<?x?x?x?x?xf16>)
      bias(%bias : memref<?x?x?x?xf32>)
      gate(%x : memref<?x?x?x?x?xf16>)
      out(%x : memref<?x?x?x?x?xf16>)
      lse(%lse : memref<?x?x?xf32>)
      pair_mask(%pm : memref<?x?x?xf16>)
      dv(%dv : memref<?x?x?x?x?xf16>)
      dbias(%dbias : memref<?x?x?x?xf16>)
      dgate(%dg : memref<?x?x?x?x?xf16>) {inf = 1.0e8 : f64}
  return
}

// tf32 on f32 data, only the MSA mask, a non-default inf.
// CHECK-LABEL: func.func @grad_tf32(
// CHECK-SAME:      %[[X:[^:]*]]: memref<1x3x17x4x16xf32>, %[[BIAS:[^:]*]]: memref<1x17x17x4xf32>,
// CHECK-SAME:      %[[LSE:[^:]*]]: memref<1x4x17xf32>, %[[MM:[^:]*]]: memref<1x3x17xf32>,
// CHECK-SAME:      %[[DV:[^:]*]]: memref<1x3x17x4x16xf32>, %[[DBIAS:[^:]*]]: memref<1x17x17x4xf32>,
// CHECK-SAME:      %[[DG:[^:]*]]: memref<1x3x17x4x16xf32>)
// CHECK:         msa.pair_weighted_average_grad
// CHECK-SAME:      msa_mask(%[[MM]] : memref<1x3x17xf32>) dv(%[[DV]] : memref<1x3x17x4x16xf32>)
// CHECK-SAME:      dbias(%[[DBIAS]] : memref<1x17x17x4xf32>)
// CHECK-SAME:      dgate(%[[DG]] : memref<1x3x17x4x16xf32>) {inf = 1.000000e+06 : f64, precision = #msa.precision<tf32>}{{$}}
func.func @grad_tf32(%x: memref<1x3x17x4x16xf32>, %bias: memref<1x17x17x4xf32>,
                     %lse: memref<1x4x17xf32>, %mm: memref<1x3x17xf32>,
                     %dv: memref<1x3x17x4x16xf32>, %dbias: memref<1x17x17x4xf32>,
                     %dg: memref<1x3x17x4x16xf32>) {
  msa.pair_weighted_average_grad dout(%x : memref<1x3x17x4x16xf32>)
      v(%x : memref<1x3x17x4x16xf32>)
      bias(%bias : memref<1x17x17x4xf32>)
      gate(%x : memref<1x3x17x4x16xf32>)
      out(%x : memref<1x3x17x4x16xf32>)
      lse(%lse : memref<1x4x17xf32>)
      msa_mask(%mm : memref<1x3x17xf32>)
      dv(%dv : memref<1x3x17x4x16xf32>)
      dbias(%dbias : memref<1x17x17x4xf32>)
      dgate(%dg : memref<1x3x17x4x16xf32>)
      {precision = #msa.precision<tf32>, inf = 1.0e6 : f64}
  return
}

//===----------------------------------------------------------------------===//
// Unfused steps
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @masked_softmax(
// CHECK-SAME:      %[[BIAS:[^:]*]]: memref<1x64x64x8xbf16>, %[[PM:[^:]*]]: memref<1x64x64xf32>,
// CHECK-SAME:      %[[W:[^:]*]]: memref<1x64x64x8xf32>, %[[DBIAS:[^:]*]]: memref<?x?x?x?xf16>,
// CHECK-SAME:      %[[DW:[^:]*]]: memref<?x64x?x8xbf16>)
// CHECK:         msa.masked_softmax bias(%[[BIAS]] : memref<1x64x64x8xbf16>)
// CHECK-SAME:      pair_mask(%[[PM]] : memref<1x64x64xf32>) weights(%[[W]] : memref<1x64x64x8xf32>)
// CHECK-SAME:      {inf = 1.000000e+09 : f64}{{$}}
// CHECK-NEXT:    msa.masked_softmax bias(%[[BIAS]] : memref<1x64x64x8xbf16>)
// CHECK-SAME:      weights(%[[W]] : memref<1x64x64x8xf32>){{$}}
// CHECK-NEXT:    msa.masked_softmax bias(%[[DBIAS]] : memref<?x?x?x?xf16>)
// CHECK-SAME:      weights(%[[DW]] : memref<?x64x?x8xbf16>){{$}}
func.func @masked_softmax(%bias: memref<1x64x64x8xbf16>, %pm: memref<1x64x64xf32>,
                          %w: memref<1x64x64x8xf32>, %dbias: memref<?x?x?x?xf16>,
                          %dw: memref<?x64x?x8xbf16>) {
  msa.masked_softmax bias(%bias : memref<1x64x64x8xbf16>)
      pair_mask(%pm : memref<1x64x64xf32>)
      weights(%w : memref<1x64x64x8xf32>) {inf = 1.0e9 : f64}
  msa.masked_softmax bias(%bias : memref<1x64x64x8xbf16>)
      weights(%w : memref<1x64x64x8xf32>) {inf = 1.0e8 : f64}
  msa.masked_softmax bias(%dbias : memref<?x?x?x?xf16>)
      weights(%dw : memref<?x64x?x8xbf16>)
  return
}

// CHECK-LABEL: func.func @weighted_sum(
// CHECK-SAME:      %[[W:[^:]*]]: memref<1x64x64x8xf32>, %[[V:[^:]*]]: memref<1x16x64x8x32xbf16>,
// CHECK-SAME:      %[[MM:[^:]*]]: memref<1x16x64xf16>, %[[O:[^:]*]]: memref<1x16x64x8x32xf32>,
// CHECK-SAME:      %[[DV:[^:]*]]: memref<?x?x?x?x?xf16>)
// CHECK:         msa.weighted_sum weights(%[[W]] : memref<1x64x64x8xf32>)
// CHECK-SAME:      v(%[[V]] : memref<1x16x64x8x32xbf16>) msa_mask(%[[MM]] : memref<1x16x64xf16>)
// CHECK-SAME:      out(%[[O]] : memref<1x16x64x8x32xf32>){{$}}
// CHECK-NEXT:    msa.weighted_sum weights(%[[W]] : memref<1x64x64x8xf32>)
// CHECK-SAME:      v(%[[DV]] : memref<?x?x?x?x?xf16>) out(%[[O]] : memref<1x16x64x8x32xf32>){{$}}
func.func @weighted_sum(%w: memref<1x64x64x8xf32>, %v: memref<1x16x64x8x32xbf16>,
                        %mm: memref<1x16x64xf16>, %o: memref<1x16x64x8x32xf32>,
                        %dv: memref<?x?x?x?x?xf16>) {
  msa.weighted_sum weights(%w : memref<1x64x64x8xf32>)
      v(%v : memref<1x16x64x8x32xbf16>)
      msa_mask(%mm : memref<1x16x64xf16>)
      out(%o : memref<1x16x64x8x32xf32>)
  msa.weighted_sum weights(%w : memref<1x64x64x8xf32>)
      v(%dv : memref<?x?x?x?x?xf16>)
      out(%o : memref<1x16x64x8x32xf32>)
  return
}

// CHECK-LABEL: func.func @sigmoid_gate(
// CHECK-SAME:      %[[O:[^:]*]]: memref<1x16x64x8x32xf32>, %[[G:[^:]*]]: memref<1x16x64x8x32xbf16>,
// CHECK-SAME:      %[[OUT:[^:]*]]: memref<?x16x?x8x?xf16>)
// CHECK:         msa.sigmoid_gate input(%[[O]] : memref<1x16x64x8x32xf32>)
// CHECK-SAME:      gate(%[[G]] : memref<1x16x64x8x32xbf16>) out(%[[OUT]] : memref<?x16x?x8x?xf16>){{$}}
func.func @sigmoid_gate(%o: memref<1x16x64x8x32xf32>, %g: memref<1x16x64x8x32xbf16>,
                        %out: memref<?x16x?x8x?xf16>) {
  msa.sigmoid_gate input(%o : memref<1x16x64x8x32xf32>)
      gate(%g : memref<1x16x64x8x32xbf16>)
      out(%out : memref<?x16x?x8x?xf16>)
  return
}
