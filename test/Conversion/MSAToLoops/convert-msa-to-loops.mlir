// convert-msa-to-loops: every msa op becomes scf.for nests over memref
// loads and stores with f32 arithmetic. Sizes come from memref.dim, bf16/f16
// loads are extended to f32 and stores truncated to the destination type,
// the softmax is shift-invariant (rows shifted by their largest mask term)
// and row statistics live in a memref<?xf32> that is freed again.

// RUN: msa-opt %s -convert-msa-to-loops -split-input-file | FileCheck %s

// All optional operands, bf16 data and masks, an f32 bias, dynamic sizes.
// CHECK-LABEL: func.func @fused_bf16_all_operands(
// CHECK-SAME:      %[[V:[^:]*]]: memref<?x?x?x?x?xbf16>, %[[BIAS:[^:]*]]: memref<?x?x?x?xf32>,
// CHECK-SAME:      %[[GATE:[^:]*]]: memref<?x?x?x?x?xbf16>, %[[PM:[^:]*]]: memref<?x?x?xbf16>,
// CHECK-SAME:      %[[MM:[^:]*]]: memref<?x?x?xbf16>, %[[OUT:[^:]*]]: memref<?x?x?x?x?xbf16>,
// CHECK-SAME:      %[[LSE:[^:]*]]: memref<?x?x?xf32>)
// CHECK-NOT:     msa.
// CHECK:         %[[B:[a-z0-9_]+]] = memref.dim %[[V]], %{{[a-z0-9_]+}} : memref<?x?x?x?x?xbf16>
// CHECK:         %[[S:[a-z0-9_]+]] = memref.dim %[[V]], %{{[a-z0-9_]+}} : memref<?x?x?x?x?xbf16>
// CHECK:         %[[I2:[a-z0-9_]+]] = arith.constant 2 : index
// CHECK-NEXT:    %[[R:[a-z0-9_]+]] = memref.dim %[[V]], %[[I2]] : memref<?x?x?x?x?xbf16>
// CHECK:         %[[I3:[a-z0-9_]+]] = arith.constant 3 : index
// CHECK-NEXT:    %[[H:[a-z0-9_]+]] = memref.dim %[[V]], %[[I3]] : memref<?x?x?x?x?xbf16>
// CHECK:         %[[I4:[a-z0-9_]+]] = arith.constant 4 : index
// CHECK-NEXT:    %[[C:[a-z0-9_]+]] = memref.dim %[[V]], %[[I4]] : memref<?x?x?x?x?xbf16>
// CHECK-NEXT:    %[[ROW:[a-z0-9_]+]] = memref.alloc(%[[R]]) : memref<?xf32>
// CHECK-NEXT:    scf.for %[[IB:[a-z0-9_]+]] = %{{[a-z0-9_]+}} to %[[B]] step
// CHECK-NEXT:      scf.for %[[IH:[a-z0-9_]+]] = %{{[a-z0-9_]+}} to %[[H]] step
// CHECK-NEXT:        scf.for %[[II:[a-z0-9_]+]] = %{{[a-z0-9_]+}} to %[[R]] step
//                      kmax = max_j inf * (pair_mask - 1)
// CHECK:                 %[[NEGINF:[a-z0-9_]+]] = arith.constant 0xFF800000 : f32
// CHECK-NEXT:            %[[KMAX:[a-z0-9_]+]] = scf.for %[[IJ:[a-z0-9_]+]] = %{{[a-z0-9_]+}} to %[[R]] step %{{[a-z0-9_]+}} iter_args(%[[ACC:[a-z0-9_]+]] = %[[NEGINF]]) -> (f32)
// CHECK-NEXT:              %[[M:[a-z0-9_]+]] = memref.load %[[PM]][%[[IB]], %[[II]], %[[IJ]]] : memref<?x?x?xbf16>
// CHECK-NEXT:              %[[MF:[a-z0-9_]+]] = arith.extf %[[M]] : bf16 to f32
// CHECK-NEXT:              %[[ONE:[a-z0-9_]+]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT:              %[[MS:[a-z0-9_]+]] = arith.subf %[[MF]], %[[ONE]] : f32
// CHECK-NEXT:              %[[INF:[a-z0-9_]+]] = arith.constant 1.000000e+09 : f32
// CHECK-NEXT:              %[[TERM:[a-z0-9_]+]] = arith.mulf %[[INF]], %[[MS]] : f32
// CHECK-NEXT:              %[[MAX:[a-z0-9_]+]] = arith.maximumf %[[ACC]], %[[TERM]] : f32
// CHECK-NEXT:              scf.yield %[[MAX]] : f32
//                      row max of bias + (mask term - kmax)
// CHECK:                 %[[RMAX:[a-z0-9_]+]] = scf.for
// CHECK:                   memref.load %[[BIAS]][%[[IB]], %[[II]], %{{[a-z0-9_]+}}, %[[IH]]] : memref<?x?x?x?xf32>
// CHECK:                   arith.constant 1.000000e+09 : f32
// CHECK:                   arith.subf %{{[a-z0-9_]+}}, %[[KMAX]] : f32
// CHECK:                   arith.maximumf
//                      exp and sum, probabilities kept in the row buffer
// CHECK:                 %[[SUM:[a-z0-9_]+]] = scf.for
// CHECK:                   arith.subf %{{[a-z0-9_]+}}, %[[RMAX]] : f32
// CHECK-NEXT:              %[[P:[a-z0-9_]+]] = math.exp %{{[a-z0-9_]+}} : f32
// CHECK-NEXT:              memref.store %[[P]], %[[ROW]][%{{[a-z0-9_]+}}] : memref<?xf32>
// CHECK:                 %[[LOG:[a-z0-9_]+]] = math.log %[[SUM]] : f32
// CHECK-NEXT:            %[[LSEV:[a-z0-9_]+]] = arith.addf %[[RMAX]], %[[LOG]] : f32
// CHECK:                 arith.divf %{{[a-z0-9_]+}}, %[[SUM]] : f32
// CHECK-NEXT:            memref.store %[[LSEV]], %[[LSE]][%[[IB]], %[[IH]], %[[II]]] : memref<?x?x?xf32>
// CHECK-NEXT:            scf.for %[[IS:[a-z0-9_]+]] = %{{[a-z0-9_]+}} to %[[S]] step
// CHECK-NEXT:              scf.for %[[IC:[a-z0-9_]+]] = %{{[a-z0-9_]+}} to %[[C]] step
//                      sum_j p[j] * v * msa_mask
// CHECK:                     scf.for %[[JJ:[a-z0-9_]+]] = %{{[a-z0-9_]+}} to %[[R]] step
// CHECK-NEXT:                  memref.load %[[ROW]][%[[JJ]]] : memref<?xf32>
// CHECK-NEXT:                  %[[VV:[a-z0-9_]+]] = memref.load %[[V]][%[[IB]], %[[IS]], %[[JJ]], %[[IH]], %[[IC]]] : memref<?x?x?x?x?xbf16>
// CHECK-NEXT:                  arith.extf %[[VV]] : bf16 to f32
// CHECK-NEXT:                  %[[MMV:[a-z0-9_]+]] = memref.load %[[MM]][%[[IB]], %[[IS]], %[[JJ]]] : memref<?x?x?xbf16>
// CHECK-NEXT:                  arith.extf %[[MMV]] : bf16 to f32
//                      sigmoid(gate) * acc / sum, rounded to bf16
// CHECK:                     %[[G:[a-z0-9_]+]] = memref.load %[[GATE]][%[[IB]], %[[IS]], %[[II]], %[[IH]], %[[IC]]] : memref<?x?x?x?x?xbf16>
// CHECK-NEXT:                %[[GF:[a-z0-9_]+]] = arith.extf %[[G]] : bf16 to f32
// CHECK-NEXT:                %[[NG:[a-z0-9_]+]] = arith.negf %[[GF]] : f32
// CHECK-NEXT:                math.exp %[[NG]] : f32
// CHECK:                     %[[RES16:[a-z0-9_]+]] = arith.truncf %{{[a-z0-9_]+}} : f32 to bf16
// CHECK-NEXT:                memref.store %[[RES16]], %[[OUT]][%[[IB]], %[[IS]], %[[II]], %[[IH]], %[[IC]]] : memref<?x?x?x?x?xbf16>
// CHECK:         memref.dealloc %[[ROW]] : memref<?xf32>
// CHECK-NEXT:    return
func.func @fused_bf16_all_operands(
    %v: memref<?x?x?x?x?xbf16>, %bias: memref<?x?x?x?xf32>,
    %gate: memref<?x?x?x?x?xbf16>, %pm: memref<?x?x?xbf16>,
    %mm: memref<?x?x?xbf16>, %out: memref<?x?x?x?x?xbf16>,
    %lse: memref<?x?x?xf32>) {
  msa.pair_weighted_average v(%v : memref<?x?x?x?x?xbf16>)
      bias(%bias : memref<?x?x?x?xf32>)
      gate(%gate : memref<?x?x?x?x?xbf16>)
      pair_mask(%pm : memref<?x?x?xbf16>)
      msa_mask(%mm : memref<?x?x?xbf16>)
      out(%out : memref<?x?x?x?x?xbf16>)
      lse(%lse : memref<?x?x?xf32>) {inf = 1.0e9 : f64}
  return
}

// -----

// f32 without masks or lse: no conversions, no mask term, and the only
// stores are the row buffer's and the result's.
// CHECK-LABEL: func.func @fused_f32_minimal(
// CHECK-SAME:      %[[V:[^:]*]]: memref<1x4x16x2x8xf32>, %[[BIAS:[^:]*]]: memref<1x16x16x2xf32>,
// CHECK-SAME:      %[[GATE:[^:]*]]: memref<1x4x16x2x8xf32>, %[[OUT:[^:]*]]: memref<1x4x16x2x8xf32>)
// CHECK-NOT:     arith.extf
// CHECK-NOT:     arith.truncf
// CHECK-NOT:     e+08
// CHECK:         %[[ROW:[a-z0-9_]+]] = memref.alloc(%{{[a-z0-9_]+}}) : memref<?xf32>
// CHECK-NOT:     arith.extf
// CHECK-NOT:     arith.truncf
// CHECK-NOT:     e+08
// CHECK-NOT:     memref.store
// CHECK:         memref.store %{{[a-z0-9_]+}}, %[[ROW]]
// CHECK-NOT:     memref.store
// CHECK-NOT:     arith.extf
// CHECK:         memref.store %{{[a-z0-9_]+}}, %[[OUT]][{{.*}}] : memref<1x4x16x2x8xf32>
// CHECK-NOT:     memref.store
// CHECK-NOT:     arith.truncf
// CHECK:         memref.dealloc %[[ROW]] : memref<?xf32>
// CHECK-NOT:     msa.
// CHECK:         return
func.func @fused_f32_minimal(%v: memref<1x4x16x2x8xf32>, %bias: memref<1x16x16x2xf32>,
                             %gate: memref<1x4x16x2x8xf32>, %out: memref<1x4x16x2x8xf32>) {
  msa.pair_weighted_average v(%v : memref<1x4x16x2x8xf32>)
      bias(%bias : memref<1x16x16x2xf32>)
      gate(%gate : memref<1x4x16x2x8xf32>)
      out(%out : memref<1x4x16x2x8xf32>)
  return
}

// -----

// The default inf reaches the mask term; f16 data are extended and rounded
// back to f16.
// CHECK-LABEL: func.func @fused_f16_default_inf(
// CHECK-SAME:      %[[V:[^:]*]]: memref<1x4x16x2x8xf16>
// CHECK-SAME:      %[[OUT:[^:]*]]: memref<1x4x16x2x8xf16>)
// CHECK:         arith.constant 1.000000e+08 : f32
// CHECK:         arith.extf %{{[a-z0-9_]+}} : f16 to f32
// CHECK:         %[[T:[a-z0-9_]+]] = arith.truncf %{{[a-z0-9_]+}} : f32 to f16
// CHECK-NEXT:    memref.store %[[T]], %[[OUT]]
// CHECK-NOT:     msa.
func.func @fused_f16_default_inf(%v: memref<1x4x16x2x8xf16>, %bias: memref<1x16x16x2xf16>,
                                 %pm: memref<1x16x16xf16>, %out: memref<1x4x16x2x8xf16>) {
  msa.pair_weighted_average v(%v : memref<1x4x16x2x8xf16>)
      bias(%bias : memref<1x16x16x2xf16>)
      gate(%v : memref<1x4x16x2x8xf16>)
      pair_mask(%pm : memref<1x16x16xf16>)
      out(%out : memref<1x4x16x2x8xf16>)
  return
}

// -----

// The gradient with both masks: kmax and D rows, dgate and D per (b, h, i),
// dbias from W recomputed with the saved lse (no log), dv scaled by the
// MSA mask.
// CHECK-LABEL: func.func @grad_bf16_both_masks(
// CHECK-SAME:      %[[DOUT:[^:]*]]: memref<1x2x3x4x8xbf16>, %[[V:[^:]*]]: memref<1x2x3x4x8xbf16>,
// CHECK-SAME:      %[[BIAS:[^:]*]]: memref<1x3x3x4xbf16>, %[[GATE:[^:]*]]: memref<1x2x3x4x8xbf16>,
// CHECK-SAME:      %[[OUTF:[^:]*]]: memref<1x2x3x4x8xbf16>, %[[LSE:[^:]*]]: memref<1x4x3xf32>,
// CHECK-SAME:      %[[PM:[^:]*]]: memref<1x3x3xf32>, %[[MM:[^:]*]]: memref<1x2x3xbf16>,
// CHECK-SAME:      %[[DV:[^:]*]]: memref<1x2x3x4x8xbf16>, %[[DBIAS:[^:]*]]: memref<1x3x3x4xf32>,
// CHECK-SAME:      %[[DG:[^:]*]]: memref<1x2x3x4x8xbf16>)
// CHECK-NOT:     math.log
// CHECK:         %[[I2:[a-z0-9_]+]] = arith.constant 2 : index
// CHECK-NEXT:    %[[R:[a-z0-9_]+]] = memref.dim %[[V]], %[[I2]] : memref<1x2x3x4x8xbf16>
// CHECK-NOT:     math.log
// CHECK:         %[[KROW:[a-z0-9_]+]] = memref.alloc(%[[R]]) : memref<?xf32>
// CHECK-NEXT:    %[[DROW:[a-z0-9_]+]] = memref.alloc(%[[R]]) : memref<?xf32>
// CHECK-NEXT:    scf.for %[[IB:[a-z0-9_]+]] =
// CHECK-NEXT:      scf.for %[[IH:[a-z0-9_]+]] =
//                    Pass 1, per i: kmax, dgate and D.
// CHECK-NEXT:        scf.for %[[II:[a-z0-9_]+]] = %{{[a-z0-9_]+}} to %[[R]] step
// CHECK-NOT:           math.log
// CHECK:               memref.load %[[PM]][%[[IB]], %[[II]], %{{[a-z0-9_]+}}] : memref<1x3x3xf32>
// CHECK:               arith.constant 1.000000e+06 : f32
// CHECK:               arith.maximumf
// CHECK:               memref.store %{{[a-z0-9_]+}}, %[[KROW]][%[[II]]] : memref<?xf32>
// CHECK:               memref.load %[[DOUT]][%[[IB]], %[[IS:[a-z0-9_]+]], %[[II]], %[[IH]], %[[IC:[a-z0-9_]+]]]
// CHECK:               memref.load %[[OUTF]][%[[IB]], %[[IS]], %[[II]], %[[IH]], %[[IC]]]
// CHECK:               memref.load %[[GATE]][%[[IB]], %[[IS]], %[[II]], %[[IH]], %[[IC]]]
// CHECK:               %[[DGV:[a-z0-9_]+]] = arith.truncf %{{[a-z0-9_]+}} : f32 to bf16
// CHECK-NEXT:          memref.store %[[DGV]], %[[DG]][%[[IB]], %[[IS]], %[[II]], %[[IH]], %[[IC]]] : memref<1x2x3x4x8xbf16>
// CHECK:               memref.store %{{[a-z0-9_]+}}, %[[DROW]][%[[II]]] : memref<?xf32>
//                    Pass 2, per (i, j): dbias = W * (dW - D).
// CHECK:             scf.for %[[I2I:[a-z0-9_]+]] = %{{[a-z0-9_]+}} to %[[R]] step
// CHECK-NEXT:          scf.for %[[I2J:[a-z0-9_]+]] = %{{[a-z0-9_]+}} to %[[R]] step
// CHECK:                 memref.load %[[MM]][%[[IB]], %{{[a-z0-9_]+}}, %[[I2J]]] : memref<1x2x3xbf16>
// CHECK:               %[[D:[a-z0-9_]+]] = memref.load %[[DROW]][%[[I2I]]] : memref<?xf32>
// CHECK-NEXT:          %[[DIFF:[a-z0-9_]+]] = arith.subf %{{[a-z0-9_]+}}, %[[D]] : f32
// CHECK-NEXT:          %[[KM:[a-z0-9_]+]] = memref.load %[[KROW]][%[[I2I]]] : memref<?xf32>
// CHECK-NEXT:          %[[L:[a-z0-9_]+]] = memref.load %[[LSE]][%[[IB]], %[[IH]], %[[I2I]]] : memref<1x4x3xf32>
// CHECK-NEXT:          memref.load %[[BIAS]][%[[IB]], %[[I2I]], %[[I2J]], %[[IH]]] : memref<1x3x3x4xbf16>
// CHECK:               arith.subf %{{[a-z0-9_]+}}, %[[KM]] : f32
// CHECK:               %[[X:[a-z0-9_]+]] = arith.subf %{{[a-z0-9_]+}}, %[[L]] : f32
// CHECK-NEXT:          %[[W:[a-z0-9_]+]] = math.exp %[[X]] : f32
// CHECK-NEXT:          %[[DB:[a-z0-9_]+]] = arith.mulf %[[W]], %[[DIFF]] : f32
// CHECK-NEXT:          memref.store %[[DB]], %[[DBIAS]][%[[IB]], %[[I2I]], %[[I2J]], %[[IH]]] : memref<1x3x3x4xf32>
//                    Pass 3, per (j, s, c): dv = sum_i W * dO', times the MSA mask.
// CHECK:             scf.for %[[I3J:[a-z0-9_]+]] = %{{[a-z0-9_]+}} to %[[R]] step
// CHECK-NEXT:          scf.for %[[I3S:[a-z0-9_]+]] =
// CHECK-NEXT:            scf.for %[[I3C:[a-z0-9_]+]] =
// CHECK:                   %[[ACC:[a-z0-9_]+]] = scf.for %{{[a-z0-9_]+}} = %{{[a-z0-9_]+}} to %[[R]] step
// CHECK:                     math.exp
// CHECK:                   %[[MASK:[a-z0-9_]+]] = memref.load %[[MM]][%[[IB]], %[[I3S]], %[[I3J]]] : memref<1x2x3xbf16>
// CHECK-NEXT:              %[[MASKF:[a-z0-9_]+]] = arith.extf %[[MASK]] : bf16 to f32
// CHECK-NEXT:              %[[DVF:[a-z0-9_]+]] = arith.mulf %[[ACC]], %[[MASKF]] : f32
// CHECK-NEXT:              %[[DVH:[a-z0-9_]+]] = arith.truncf %[[DVF]] : f32 to bf16
// CHECK-NEXT:              memref.store %[[DVH]], %[[DV]][%[[IB]], %[[I3S]], %[[I3J]], %[[IH]], %[[I3C]]] : memref<1x2x3x4x8xbf16>
// CHECK:         memref.dealloc %[[KROW]] : memref<?xf32>
// CHECK-NEXT:    memref.dealloc %[[DROW]] : memref<?xf32>
// CHECK-NOT:     msa.
// CHECK-NEXT:    return
func.func @grad_bf16_both_masks(
    %dout: memref<1x2x3x4x8xbf16>, %v: memref<1x2x3x4x8xbf16>,
    %bias: memref<1x3x3x4xbf16>, %gate: memref<1x2x3x4x8xbf16>,
    %out: memref<1x2x3x4x8xbf16>, %lse: memref<1x4x3xf32>,
    %pm: memref<1x3x3xf32>, %mm: memref<1x2x3xbf16>,
    %dv: memref<1x2x3x4x8xbf16>, %dbias: memref<1x3x3x4xf32>,
    %dg: memref<1x2x3x4x8xbf16>) {
  msa.pair_weighted_average_grad dout(%dout : memref<1x2x3x4x8xbf16>)
      v(%v : memref<1x2x3x4x8xbf16>)
      bias(%bias : memref<1x3x3x4xbf16>)
      gate(%gate : memref<1x2x3x4x8xbf16>)
      out(%out : memref<1x2x3x4x8xbf16>)
      lse(%lse : memref<1x4x3xf32>)
      pair_mask(%pm : memref<1x3x3xf32>)
      msa_mask(%mm : memref<1x2x3xbf16>)
      dv(%dv : memref<1x2x3x4x8xbf16>)
      dbias(%dbias : memref<1x3x3x4xf32>)
      dgate(%dg : memref<1x2x3x4x8xbf16>) {inf = 1.0e6 : f64}
  return
}

// -----

// Without a pair mask there is no kmax row: one row buffer (D) only.
// CHECK-LABEL: func.func @grad_f32_no_masks(
// CHECK-SAME:      %[[X:[^:]*]]: memref<?x?x?x?x?xf32>, %[[BIAS:[^:]*]]: memref<?x?x?x?xf32>,
// CHECK-SAME:      %[[LSE:[^:]*]]: memref<?x?x?xf32>, %[[DV:[^:]*]]: memref<?x?x?x?x?xf32>,
// CHECK-SAME:      %[[DBIAS:[^:]*]]: memref<?x?x?x?xf32>, %[[DG:[^:]*]]: memref<?x?x?x?x?xf32>)
// CHECK:         %[[DROW:[a-z0-9_]+]] = memref.alloc(%{{[a-z0-9_]+}}) : memref<?xf32>
// CHECK-NOT:     memref.alloc
// CHECK-NOT:     arith.truncf
// CHECK:         memref.store %{{[a-z0-9_]+}}, %[[DG]][{{.*}}] : memref<?x?x?x?x?xf32>
// CHECK:         memref.store %{{[a-z0-9_]+}}, %[[DROW]][%{{[a-z0-9_]+}}] : memref<?xf32>
// CHECK:         memref.store %{{[a-z0-9_]+}}, %[[DBIAS]][{{.*}}] : memref<?x?x?x?xf32>
// CHECK:         memref.store %{{[a-z0-9_]+}}, %[[DV]][{{.*}}] : memref<?x?x?x?x?xf32>
// CHECK-NOT:     arith.truncf
// CHECK:         memref.dealloc %[[DROW]] : memref<?xf32>
// CHECK-NOT:     memref.dealloc
// CHECK-NOT:     msa.
// CHECK:         return
func.func @grad_f32_no_masks(%x: memref<?x?x?x?x?xf32>, %bias: memref<?x?x?x?xf32>,
                             %lse: memref<?x?x?xf32>, %dv: memref<?x?x?x?x?xf32>,
                             %dbias: memref<?x?x?x?xf32>, %dg: memref<?x?x?x?x?xf32>) {
  msa.pair_weighted_average_grad dout(%x : memref<?x?x?x?x?xf32>)
      v(%x : memref<?x?x?x?x?xf32>)
      bias(%bias : memref<?x?x?x?xf32>)
      gate(%x : memref<?x?x?x?x?xf32>)
      out(%x : memref<?x?x?x?x?xf32>)
      lse(%lse : memref<?x?x?xf32>)
      dv(%dv : memref<?x?x?x?x?xf32>)
      dbias(%dbias : memref<?x?x?x?xf32>)
      dgate(%dg : memref<?x?x?x?x?xf32>)
  return
}

// -----

// CHECK-LABEL: func.func @masked_softmax(
// CHECK-SAME:      %[[BIAS:[^:]*]]: memref<1x3x3x4xf32>, %[[PM:[^:]*]]: memref<1x3x3xbf16>,
// CHECK-SAME:      %[[W:[^:]*]]: memref<1x3x3x4xf16>)
// CHECK:         %[[B:[a-z0-9_]+]] = memref.dim %[[BIAS]], %{{[a-z0-9_]+}} : memref<1x3x3x4xf32>
// CHECK:         %[[R:[a-z0-9_]+]] = memref.dim %[[BIAS]], %{{[a-z0-9_]+}} : memref<1x3x3x4xf32>
// CHECK:         %[[H:[a-z0-9_]+]] = memref.dim %[[BIAS]], %{{[a-z0-9_]+}} : memref<1x3x3x4xf32>
// CHECK-NEXT:    %[[ROW:[a-z0-9_]+]] = memref.alloc(%[[R]]) : memref<?xf32>
// CHECK-NEXT:    scf.for %[[IB:[a-z0-9_]+]] = %{{[a-z0-9_]+}} to %[[B]] step
// CHECK-NEXT:      scf.for %[[IH:[a-z0-9_]+]] = %{{[a-z0-9_]+}} to %[[H]] step
// CHECK-NEXT:        scf.for %[[II:[a-z0-9_]+]] = %{{[a-z0-9_]+}} to %[[R]] step
// CHECK-NEXT:          %{{[a-z0-9_]+}} = arith.constant 0xFF800000 : f32
// CHECK-NEXT:          %[[KMAX:[a-z0-9_]+]] = scf.for
// CHECK:                 memref.load %[[PM]][%[[IB]], %[[II]], %{{[a-z0-9_]+}}] : memref<1x3x3xbf16>
// CHECK:                 arith.constant 1.000000e+08 : f32
// CHECK:                 arith.maximumf
// CHECK:               %[[RMAX:[a-z0-9_]+]] = scf.for
// CHECK:                 arith.subf %{{[a-z0-9_]+}}, %[[KMAX]] : f32
// CHECK:                 arith.maximumf
// CHECK:               %[[SUM:[a-z0-9_]+]] = scf.for
// CHECK:                 arith.subf %{{[a-z0-9_]+}}, %[[RMAX]] : f32
// CHECK:                 %[[E:[a-z0-9_]+]] = math.exp
// CHECK-NEXT:            memref.store %[[E]], %[[ROW]][%{{[a-z0-9_]+}}] : memref<?xf32>
// CHECK:               %[[INV:[a-z0-9_]+]] = arith.divf %{{[a-z0-9_]+}}, %[[SUM]] : f32
// CHECK-NEXT:          scf.for %[[IJ:[a-z0-9_]+]] = %{{[a-z0-9_]+}} to %[[R]] step
// CHECK-NEXT:            %[[P:[a-z0-9_]+]] = memref.load %[[ROW]][%[[IJ]]] : memref<?xf32>
// CHECK-NEXT:            %[[WV:[a-z0-9_]+]] = arith.mulf %[[P]], %[[INV]] : f32
// CHECK-NEXT:            %[[WH:[a-z0-9_]+]] = arith.truncf %[[WV]] : f32 to f16
// CHECK-NEXT:            memref.store %[[WH]], %[[W]][%[[IB]], %[[II]], %[[IJ]], %[[IH]]] : memref<1x3x3x4xf16>
// CHECK:         memref.dealloc %[[ROW]] : memref<?xf32>
// CHECK-NOT:     msa.
// CHECK-NEXT:    return
func.func @masked_softmax(%bias: memref<1x3x3x4xf32>, %pm: memref<1x3x3xbf16>,
                          %w: memref<1x3x3x4xf16>) {
  msa.masked_softmax bias(%bias : memref<1x3x3x4xf32>)
      pair_mask(%pm : memref<1x3x3xbf16>)
      weights(%w : memref<1x3x3x4xf16>)
  return
}

// -----

// CHECK-LABEL: func.func @weighted_sum(
// CHECK-SAME:      %[[W:[^:]*]]: memref<1x3x3x4xf32>, %[[V:[^:]*]]: memref<1x2x3x4x8xf16>,
// CHECK-SAME:      %[[MM:[^:]*]]: memref<1x2x3xf32>, %[[O:[^:]*]]: memref<1x2x3x4x8xf32>)
// CHECK-NOT:     memref.alloc
// CHECK:         %[[I2:[a-z0-9_]+]] = arith.constant 2 : index
// CHECK-NEXT:    %[[R:[a-z0-9_]+]] = memref.dim %[[V]], %[[I2]] : memref<1x2x3x4x8xf16>
// CHECK:         scf.for %[[IB:[a-z0-9_]+]] =
// CHECK-NEXT:      scf.for %[[IS:[a-z0-9_]+]] =
// CHECK-NEXT:        scf.for %[[II:[a-z0-9_]+]] = %{{[a-z0-9_]+}} to %[[R]] step
// CHECK-NEXT:          scf.for %[[IH:[a-z0-9_]+]] =
// CHECK-NEXT:            scf.for %[[IC:[a-z0-9_]+]] =
// CHECK:                   %[[ACC:[a-z0-9_]+]] = scf.for %[[IJ:[a-z0-9_]+]] = %{{[a-z0-9_]+}} to %[[R]] step %{{[a-z0-9_]+}} iter_args(%[[A:[a-z0-9_]+]] = %{{[a-z0-9_]+}}) -> (f32)
// CHECK-NEXT:                %[[WV:[a-z0-9_]+]] = memref.load %[[W]][%[[IB]], %[[II]], %[[IJ]], %[[IH]]] : memref<1x3x3x4xf32>
// CHECK-NEXT:                %[[VV:[a-z0-9_]+]] = memref.load %[[V]][%[[IB]], %[[IS]], %[[IJ]], %[[IH]], %[[IC]]] : memref<1x2x3x4x8xf16>
// CHECK-NEXT:                %[[VF:[a-z0-9_]+]] = arith.extf %[[VV]] : f16 to f32
// CHECK-NEXT:                %[[MV:[a-z0-9_]+]] = memref.load %[[MM]][%[[IB]], %[[IS]], %[[IJ]]] : memref<1x2x3xf32>
// CHECK-NEXT:                %[[VM:[a-z0-9_]+]] = arith.mulf %[[VF]], %[[MV]] : f32
// CHECK-NEXT:                %[[T:[a-z0-9_]+]] = arith.mulf %[[WV]], %[[VM]] : f32
// CHECK-NEXT:                %[[NEXT:[a-z0-9_]+]] = arith.addf %[[A]], %[[T]] : f32
// CHECK-NEXT:                scf.yield %[[NEXT]] : f32
// CHECK-NEXT:              }
// CHECK-NEXT:              memref.store %[[ACC]], %[[O]][%[[IB]], %[[IS]], %[[II]], %[[IH]], %[[IC]]] : memref<1x2x3x4x8xf32>
// CHECK-NOT:     msa.
// CHECK-NOT:     memref.dealloc
// CHECK:         return
func.func @weighted_sum(%w: memref<1x3x3x4xf32>, %v: memref<1x2x3x4x8xf16>,
                        %mm: memref<1x2x3xf32>, %o: memref<1x2x3x4x8xf32>) {
  msa.weighted_sum weights(%w : memref<1x3x3x4xf32>)
      v(%v : memref<1x2x3x4x8xf16>)
      msa_mask(%mm : memref<1x2x3xf32>)
      out(%o : memref<1x2x3x4x8xf32>)
  return
}

// -----

// Elementwise over the output's shape, which may be dynamic.
// CHECK-LABEL: func.func @sigmoid_gate(
// CHECK-SAME:      %[[IN:[^:]*]]: memref<1x2x3x4x8xf32>, %[[G:[^:]*]]: memref<1x2x3x4x8xbf16>,
// CHECK-SAME:      %[[OUT:[^:]*]]: memref<?x?x?x?x?xbf16>)
// CHECK-NOT:     memref.alloc
// CHECK-COUNT-5: memref.dim %[[OUT]]
// CHECK:         scf.for %[[I0:[a-z0-9_]+]] =
// CHECK-NEXT:      scf.for %[[I1:[a-z0-9_]+]] =
// CHECK-NEXT:        scf.for %[[I2:[a-z0-9_]+]] =
// CHECK-NEXT:          scf.for %[[I3:[a-z0-9_]+]] =
// CHECK-NEXT:            scf.for %[[I4:[a-z0-9_]+]] =
// CHECK-NEXT:              %[[GV:[a-z0-9_]+]] = memref.load %[[G]][%[[I0]], %[[I1]], %[[I2]], %[[I3]], %[[I4]]] : memref<1x2x3x4x8xbf16>
// CHECK-NEXT:              %[[GF:[a-z0-9_]+]] = arith.extf %[[GV]] : bf16 to f32
// CHECK-NEXT:              %[[NG:[a-z0-9_]+]] = arith.negf %[[GF]] : f32
// CHECK-NEXT:              %[[E:[a-z0-9_]+]] = math.exp %[[NG]] : f32
// CHECK-NEXT:              %[[ONE:[a-z0-9_]+]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT:              %[[DEN:[a-z0-9_]+]] = arith.addf %[[ONE]], %[[E]] : f32
// CHECK-NEXT:              %[[ONE2:[a-z0-9_]+]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT:              %[[SG:[a-z0-9_]+]] = arith.divf %[[ONE2]], %[[DEN]] : f32
// CHECK-NEXT:              %[[X:[a-z0-9_]+]] = memref.load %[[IN]][%[[I0]], %[[I1]], %[[I2]], %[[I3]], %[[I4]]] : memref<1x2x3x4x8xf32>
// CHECK-NEXT:              %[[Y:[a-z0-9_]+]] = arith.mulf %[[SG]], %[[X]] : f32
// CHECK-NEXT:              %[[YH:[a-z0-9_]+]] = arith.truncf %[[Y]] : f32 to bf16
// CHECK-NEXT:              memref.store %[[YH]], %[[OUT]][%[[I0]], %[[I1]], %[[I2]], %[[I3]], %[[I4]]] : memref<?x?x?x?x?xbf16>
// CHECK-NOT:     msa.
// CHECK:         return
func.func @sigmoid_gate(%in: memref<1x2x3x4x8xf32>, %g: memref<1x2x3x4x8xbf16>,
                        %out: memref<?x?x?x?x?xbf16>) {
  msa.sigmoid_gate input(%in : memref<1x2x3x4x8xf32>)
      gate(%g : memref<1x2x3x4x8xbf16>)
      out(%out : memref<?x?x?x?x?xbf16>)
  return
}

// -----

// The unfused chain lowers step by step (this pass does not fuse).
// CHECK-LABEL: func.func @unfused_chain(
// CHECK-NOT:     msa.
// CHECK:         %[[WBUF:[a-z0-9_]+]] = memref.alloc() : memref<1x3x3x4xf32>
// CHECK:         memref.store %{{[a-z0-9_]+}}, %[[WBUF]]
// CHECK:         %[[OBUF:[a-z0-9_]+]] = memref.alloc() : memref<1x2x3x4x8xf32>
// CHECK:         memref.load %[[WBUF]]
// CHECK:         memref.store %{{[a-z0-9_]+}}, %[[OBUF]]
// CHECK:         memref.dealloc %[[WBUF]]
// CHECK:         memref.load %[[OBUF]]
// CHECK:         memref.dealloc %[[OBUF]]
// CHECK-NOT:     msa.
// CHECK:         return
func.func @unfused_chain(%v: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                         %out: memref<1x2x3x4x8xf32>) {
  %w = memref.alloc() : memref<1x3x3x4xf32>
  msa.masked_softmax bias(%bias : memref<1x3x3x4xf32>)
      weights(%w : memref<1x3x3x4xf32>)
  %o = memref.alloc() : memref<1x2x3x4x8xf32>
  msa.weighted_sum weights(%w : memref<1x3x3x4xf32>)
      v(%v : memref<1x2x3x4x8xf32>)
      out(%o : memref<1x2x3x4x8xf32>)
  memref.dealloc %w : memref<1x3x3x4xf32>
  msa.sigmoid_gate input(%o : memref<1x2x3x4x8xf32>)
      gate(%v : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
  memref.dealloc %o : memref<1x2x3x4x8xf32>
  return
}
