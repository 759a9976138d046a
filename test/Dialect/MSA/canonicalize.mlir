// Canonicalization of the fused msa ops: memref.cast operands that only
// forget static sizes are folded away unless the op would then be invalid (a
// cast may hide a size that contradicts another operand), and an op whose
// every output is statically empty is erased (it writes nothing).

// RUN: msa-opt %s -canonicalize -split-input-file | FileCheck %s
// The result must be valid IR: it parses and verifies again.
// RUN: msa-opt %s -canonicalize -split-input-file | msa-opt -split-input-file > /dev/null

// CHECK-LABEL: func.func @fold_casts_into_fused(
// CHECK-SAME:      %[[V:[^:]*]]: memref<1x2x3x4x8xbf16>, %[[BIAS:[^:]*]]: memref<1x3x3x4xf32>,
// CHECK-SAME:      %[[PM:[^:]*]]: memref<1x3x3xbf16>, %[[MM:[^:]*]]: memref<1x2x3xbf16>,
// CHECK-SAME:      %[[OUT:[^:]*]]: memref<1x2x3x4x8xbf16>, %[[LSE:[^:]*]]: memref<1x4x3xf32>)
// CHECK-NOT:     memref.cast
// CHECK:         msa.pair_weighted_average v(%[[V]] : memref<1x2x3x4x8xbf16>)
// CHECK-SAME:      bias(%[[BIAS]] : memref<1x3x3x4xf32>) gate(%[[V]] : memref<1x2x3x4x8xbf16>)
// CHECK-SAME:      pair_mask(%[[PM]] : memref<1x3x3xbf16>) msa_mask(%[[MM]] : memref<1x2x3xbf16>)
// CHECK-SAME:      out(%[[OUT]] : memref<1x2x3x4x8xbf16>) lse(%[[LSE]] : memref<1x4x3xf32>)
// CHECK-SAME:      {inf = 1.000000e+09 : f64}
// CHECK-NOT:     memref.cast
// CHECK:         return
func.func @fold_casts_into_fused(%v: memref<1x2x3x4x8xbf16>, %bias: memref<1x3x3x4xf32>,
                                 %pm: memref<1x3x3xbf16>, %mm: memref<1x2x3xbf16>,
                                 %out: memref<1x2x3x4x8xbf16>, %lse: memref<1x4x3xf32>) {
  %vc = memref.cast %v : memref<1x2x3x4x8xbf16> to memref<?x?x?x?x?xbf16>
  %bc = memref.cast %bias : memref<1x3x3x4xf32> to memref<?x3x?x4xf32>
  %pc = memref.cast %pm : memref<1x3x3xbf16> to memref<?x?x?xbf16>
  %mc = memref.cast %mm : memref<1x2x3xbf16> to memref<1x?x3xbf16>
  %oc = memref.cast %out : memref<1x2x3x4x8xbf16> to memref<1x2x?x4x8xbf16>
  %lc = memref.cast %lse : memref<1x4x3xf32> to memref<?x?x?xf32>
  msa.pair_weighted_average v(%vc : memref<?x?x?x?x?xbf16>)
      bias(%bc : memref<?x3x?x4xf32>)
      gate(%vc : memref<?x?x?x?x?xbf16>)
      pair_mask(%pc : memref<?x?x?xbf16>)
      msa_mask(%mc : memref<1x?x3xbf16>)
      out(%oc : memref<1x2x?x4x8xbf16>)
      lse(%lc : memref<?x?x?xf32>) {inf = 1.0e9 : f64}
  return
}

// -----

// CHECK-LABEL: func.func @fold_casts_into_grad(
// CHECK-SAME:      %[[X:[^:]*]]: memref<1x2x3x4x8xf32>, %[[BIAS:[^:]*]]: memref<1x3x3x4xf32>,
// CHECK-SAME:      %[[LSE:[^:]*]]: memref<1x4x3xf32>, %[[DV:[^:]*]]: memref<1x2x3x4x8xf32>,
// CHECK-SAME:      %[[DBIAS:[^:]*]]: memref<1x3x3x4xf32>, %[[DG:[^:]*]]: memref<1x2x3x4x8xf32>)
// CHECK-NOT:     memref.cast
// CHECK:         msa.pair_weighted_average_grad dout(%[[X]] : memref<1x2x3x4x8xf32>)
// CHECK-SAME:      v(%[[X]] : memref<1x2x3x4x8xf32>) bias(%[[BIAS]] : memref<1x3x3x4xf32>)
// CHECK-SAME:      gate(%[[X]] : memref<1x2x3x4x8xf32>) out(%[[X]] : memref<1x2x3x4x8xf32>)
// CHECK-SAME:      lse(%[[LSE]] : memref<1x4x3xf32>) dv(%[[DV]] : memref<1x2x3x4x8xf32>)
// CHECK-SAME:      dbias(%[[DBIAS]] : memref<1x3x3x4xf32>) dgate(%[[DG]] : memref<1x2x3x4x8xf32>)
// CHECK-NOT:     memref.cast
// CHECK:         return
func.func @fold_casts_into_grad(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                                %lse: memref<1x4x3xf32>, %dv: memref<1x2x3x4x8xf32>,
                                %dbias: memref<1x3x3x4xf32>, %dg: memref<1x2x3x4x8xf32>) {
  %xc = memref.cast %x : memref<1x2x3x4x8xf32> to memref<?x?x?x?x?xf32>
  %bc = memref.cast %bias : memref<1x3x3x4xf32> to memref<?x?x?x?xf32>
  %lc = memref.cast %lse : memref<1x4x3xf32> to memref<1x4x?xf32>
  %dvc = memref.cast %dv : memref<1x2x3x4x8xf32> to memref<?x?x?x?x?xf32>
  %dbc = memref.cast %dbias : memref<1x3x3x4xf32> to memref<?x?x?x?xf32>
  msa.pair_weighted_average_grad dout(%xc : memref<?x?x?x?x?xf32>)
      v(%x : memref<1x2x3x4x8xf32>)
      bias(%bc : memref<?x?x?x?xf32>)
      gate(%xc : memref<?x?x?x?x?xf32>)
      out(%x : memref<1x2x3x4x8xf32>)
      lse(%lc : memref<1x4x?xf32>)
      dv(%dvc : memref<?x?x?x?x?xf32>)
      dbias(%dbc : memref<?x?x?x?xf32>)
      dgate(%dg : memref<1x2x3x4x8xf32>)
  return
}

// -----

// S = 0: `out` has no elements, so the op without lse writes nothing.
// CHECK-LABEL: func.func @erase_empty_fused(
// CHECK-NOT:     msa.pair_weighted_average
// CHECK:         return
func.func @erase_empty_fused(%v: memref<1x0x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                             %pm: memref<1x3x3xf32>, %mm: memref<1x0x3xf32>,
                             %out: memref<1x0x3x4x8xf32>) {
  msa.pair_weighted_average v(%v : memref<1x0x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%v : memref<1x0x3x4x8xf32>)
      pair_mask(%pm : memref<1x3x3xf32>)
      msa_mask(%mm : memref<1x0x3xf32>)
      out(%out : memref<1x0x3x4x8xf32>)
  return
}

// -----

// S = 0 but lse [B, H, R] still has elements: the op is kept.
// CHECK-LABEL: func.func @keep_empty_out_with_lse(
// CHECK-SAME:      %[[V:[^:]*]]: memref<1x0x3x4x8xf32>, %[[BIAS:[^:]*]]: memref<1x3x3x4xf32>,
// CHECK-SAME:      %[[OUT:[^:]*]]: memref<1x0x3x4x8xf32>, %[[LSE:[^:]*]]: memref<1x4x3xf32>)
// CHECK:         msa.pair_weighted_average v(%[[V]] : memref<1x0x3x4x8xf32>)
// CHECK-SAME:      out(%[[OUT]] : memref<1x0x3x4x8xf32>) lse(%[[LSE]] : memref<1x4x3xf32>)
func.func @keep_empty_out_with_lse(%v: memref<1x0x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                                   %out: memref<1x0x3x4x8xf32>, %lse: memref<1x4x3xf32>) {
  msa.pair_weighted_average v(%v : memref<1x0x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%v : memref<1x0x3x4x8xf32>)
      out(%out : memref<1x0x3x4x8xf32>)
      lse(%lse : memref<1x4x3xf32>)
  return
}

// -----

// R = 0 empties lse as well.
// CHECK-LABEL: func.func @erase_empty_fused_with_lse(
// CHECK-NOT:     msa.pair_weighted_average
// CHECK:         return
func.func @erase_empty_fused_with_lse(%v: memref<2x5x0x4x8xbf16>, %bias: memref<2x0x0x4xf32>,
                                      %out: memref<2x5x0x4x8xbf16>, %lse: memref<2x4x0xf32>) {
  msa.pair_weighted_average v(%v : memref<2x5x0x4x8xbf16>)
      bias(%bias : memref<2x0x0x4xf32>)
      gate(%v : memref<2x5x0x4x8xbf16>)
      out(%out : memref<2x5x0x4x8xbf16>)
      lse(%lse : memref<2x4x0xf32>)
  return
}

// -----

// Dynamic sizes may be zero at run time, but nothing is known statically.
// CHECK-LABEL: func.func @keep_dynamic_fused(
// CHECK:         msa.pair_weighted_average v(%{{[^ ]+}} : memref<1x?x3x4x8xf32>)
func.func @keep_dynamic_fused(%v: memref<1x?x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                              %out: memref<1x?x3x4x8xf32>) {
  msa.pair_weighted_average v(%v : memref<1x?x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%v : memref<1x?x3x4x8xf32>)
      out(%out : memref<1x?x3x4x8xf32>)
  return
}

// -----

// S = 0 in the gradient: dv and dgate are empty but dbias [B, R, R, H] is
// not (it is written with zeros), so the op is kept.
// CHECK-LABEL: func.func @keep_grad_empty_s(
// CHECK-SAME:      %[[X:[^:]*]]: memref<1x0x3x4x8xf32>, %[[BIAS:[^:]*]]: memref<1x3x3x4xf32>,
// CHECK-SAME:      %[[LSE:[^:]*]]: memref<1x4x3xf32>, %[[DV:[^:]*]]: memref<1x0x3x4x8xf32>,
// CHECK-SAME:      %[[DBIAS:[^:]*]]: memref<1x3x3x4xf32>, %[[DG:[^:]*]]: memref<1x0x3x4x8xf32>)
// CHECK:         msa.pair_weighted_average_grad dout(%[[X]] : memref<1x0x3x4x8xf32>)
// CHECK-SAME:      dv(%[[DV]] : memref<1x0x3x4x8xf32>) dbias(%[[DBIAS]] : memref<1x3x3x4xf32>)
// CHECK-SAME:      dgate(%[[DG]] : memref<1x0x3x4x8xf32>)
func.func @keep_grad_empty_s(%x: memref<1x0x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                             %lse: memref<1x4x3xf32>, %dv: memref<1x0x3x4x8xf32>,
                             %dbias: memref<1x3x3x4xf32>, %dg: memref<1x0x3x4x8xf32>) {
  msa.pair_weighted_average_grad dout(%x : memref<1x0x3x4x8xf32>)
      v(%x : memref<1x0x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x0x3x4x8xf32>)
      out(%x : memref<1x0x3x4x8xf32>)
      lse(%lse : memref<1x4x3xf32>)
      dv(%dv : memref<1x0x3x4x8xf32>)
      dbias(%dbias : memref<1x3x3x4xf32>)
      dgate(%dg : memref<1x0x3x4x8xf32>)
  return
}

// -----

// R = 0: all three gradients are empty.
// CHECK-LABEL: func.func @erase_grad_empty_r(
// CHECK-NOT:     msa.pair_weighted_average_grad
// CHECK:         return
func.func @erase_grad_empty_r(%x: memref<1x2x0x4x8xbf16>, %bias: memref<1x0x0x4xbf16>,
                              %lse: memref<1x4x0xf32>, %pm: memref<1x0x0xbf16>,
                              %dv: memref<1x2x0x4x8xbf16>, %dbias: memref<1x0x0x4xf32>,
                              %dg: memref<1x2x0x4x8xbf16>) {
  msa.pair_weighted_average_grad dout(%x : memref<1x2x0x4x8xbf16>)
      v(%x : memref<1x2x0x4x8xbf16>)
      bias(%bias : memref<1x0x0x4xbf16>)
      gate(%x : memref<1x2x0x4x8xbf16>)
      out(%x : memref<1x2x0x4x8xbf16>)
      lse(%lse : memref<1x4x0xf32>)
      pair_mask(%pm : memref<1x0x0xbf16>)
      dv(%dv : memref<1x2x0x4x8xbf16>)
      dbias(%dbias : memref<1x0x0x4xf32>)
      dgate(%dg : memref<1x2x0x4x8xbf16>)
  return
}

// -----

// Casts are folded first, then the now static empty op is erased.
// CHECK-LABEL: func.func @fold_cast_then_erase(
// CHECK-NOT:     memref.cast
// CHECK-NOT:     msa.pair_weighted_average
// CHECK:         return
func.func @fold_cast_then_erase(%v: memref<1x0x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                                %out: memref<1x0x3x4x8xf32>) {
  %vc = memref.cast %v : memref<1x0x3x4x8xf32> to memref<?x?x?x?x?xf32>
  %oc = memref.cast %out : memref<1x0x3x4x8xf32> to memref<?x?x?x?x?xf32>
  msa.pair_weighted_average v(%vc : memref<?x?x?x?x?xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%vc : memref<?x?x?x?x?xf32>)
      out(%oc : memref<?x?x?x?x?xf32>)
  return
}

// -----

// The cast hides that `out` has C = 16 while `v` has C = 8: the op is valid
// only while the cast is there, so it is not folded.
// CHECK-LABEL: func.func @keep_cast_hiding_mismatch(
// CHECK-SAME:      %[[V:[^:]*]]: memref<1x2x3x4x8xf32>, %[[BIAS:[^:]*]]: memref<1x3x3x4xf32>,
// CHECK-SAME:      %[[OUT:[^:]*]]: memref<1x2x3x4x16xf32>)
// CHECK-NEXT:    %[[OC:[^ ]+]] = memref.cast %[[OUT]] : memref<1x2x3x4x16xf32> to memref<1x2x3x4x?xf32>
// CHECK-NEXT:    msa.pair_weighted_average v(%[[V]] : memref<1x2x3x4x8xf32>)
// CHECK-SAME:      bias(%[[BIAS]] : memref<1x3x3x4xf32>) gate(%[[V]] : memref<1x2x3x4x8xf32>)
// CHECK-SAME:      out(%[[OC]] : memref<1x2x3x4x?xf32>){{$}}
// CHECK-NEXT:    return
func.func @keep_cast_hiding_mismatch(%v: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                                     %out: memref<1x2x3x4x16xf32>) {
  %oc = memref.cast %out : memref<1x2x3x4x16xf32> to memref<1x2x3x4x?xf32>
  msa.pair_weighted_average v(%v : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%v : memref<1x2x3x4x8xf32>)
      out(%oc : memref<1x2x3x4x?xf32>)
  return
}

// -----

// Each cast alone could be folded, but not both: `v` has R = 3 and `out`
// R = 5. The op keeps both cast operands.
// CHECK-LABEL: func.func @keep_casts_contradicting_each_other(
// CHECK-SAME:      %[[V:[^:]*]]: memref<1x2x3x4x8xf32>, %[[BIAS:[^:]*]]: memref<?x?x?x?xf32>,
// CHECK-SAME:      %[[OUT:[^:]*]]: memref<1x2x5x4x8xf32>)
// CHECK-DAG:     %[[VC:[^ ]+]] = memref.cast %[[V]] : memref<1x2x3x4x8xf32> to memref<?x?x?x?x?xf32>
// CHECK-DAG:     %[[OC:[^ ]+]] = memref.cast %[[OUT]] : memref<1x2x5x4x8xf32> to memref<?x?x?x?x?xf32>
// CHECK:         msa.pair_weighted_average v(%[[VC]] : memref<?x?x?x?x?xf32>)
// CHECK-SAME:      bias(%[[BIAS]] : memref<?x?x?x?xf32>) gate(%[[VC]] : memref<?x?x?x?x?xf32>)
// CHECK-SAME:      out(%[[OC]] : memref<?x?x?x?x?xf32>){{$}}
// CHECK-NEXT:    return
func.func @keep_casts_contradicting_each_other(%v: memref<1x2x3x4x8xf32>,
                                               %bias: memref<?x?x?x?xf32>,
                                               %out: memref<1x2x5x4x8xf32>) {
  %vc = memref.cast %v : memref<1x2x3x4x8xf32> to memref<?x?x?x?x?xf32>
  %oc = memref.cast %out : memref<1x2x5x4x8xf32> to memref<?x?x?x?x?xf32>
  msa.pair_weighted_average v(%vc : memref<?x?x?x?x?xf32>)
      bias(%bias : memref<?x?x?x?xf32>)
      gate(%vc : memref<?x?x?x?x?xf32>)
      out(%oc : memref<?x?x?x?x?xf32>)
  return
}

// -----

// The same in the gradient: the cast hides that `dbias` has R = 5 while the
// other operands have R = 3.
// CHECK-LABEL: func.func @keep_grad_cast_hiding_mismatch(
// CHECK-SAME:      %[[X:[^:]*]]: memref<1x2x3x4x8xf32>, %[[BIAS:[^:]*]]: memref<1x3x3x4xf32>,
// CHECK-SAME:      %[[LSE:[^:]*]]: memref<1x4x3xf32>, %[[DV:[^:]*]]: memref<1x2x3x4x8xf32>,
// CHECK-SAME:      %[[DBIAS:[^:]*]]: memref<1x5x5x4xf32>, %[[DG:[^:]*]]: memref<1x2x3x4x8xf32>)
// CHECK-NEXT:    %[[DBC:[^ ]+]] = memref.cast %[[DBIAS]] : memref<1x5x5x4xf32> to memref<1x?x?x4xf32>
// CHECK-NEXT:    msa.pair_weighted_average_grad dout(%[[X]] : memref<1x2x3x4x8xf32>)
// CHECK-SAME:      dv(%[[DV]] : memref<1x2x3x4x8xf32>) dbias(%[[DBC]] : memref<1x?x?x4xf32>)
// CHECK-SAME:      dgate(%[[DG]] : memref<1x2x3x4x8xf32>){{$}}
// CHECK-NEXT:    return
func.func @keep_grad_cast_hiding_mismatch(%x: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                                          %lse: memref<1x4x3xf32>, %dv: memref<1x2x3x4x8xf32>,
                                          %dbias: memref<1x5x5x4xf32>,
                                          %dg: memref<1x2x3x4x8xf32>) {
  %dbc = memref.cast %dbias : memref<1x5x5x4xf32> to memref<1x?x?x4xf32>
  msa.pair_weighted_average_grad dout(%x : memref<1x2x3x4x8xf32>)
      v(%x : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>)
      gate(%x : memref<1x2x3x4x8xf32>)
      out(%x : memref<1x2x3x4x8xf32>)
      lse(%lse : memref<1x4x3xf32>)
      dv(%dv : memref<1x2x3x4x8xf32>)
      dbias(%dbc : memref<1x?x?x4xf32>)
      dgate(%dg : memref<1x2x3x4x8xf32>)
  return
}
