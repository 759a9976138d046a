// The kernels of the GPU backward, as msa-codegen builds them (before the
// NVVM lowering): the probabilities (as in the forward), the prep pass
// (dO', dgate and the D sums, warp butterflies), the dv GEMM (P^T tiles
// copied k-major and read with ldmatrix.trans, dO' as B, the msa mask on the
// output rows) and the dbias GEMM (K = S*C, both tiles k-contiguous, dbias
// formed from P and D in the epilogue). No atomics anywhere.

// RUN: msa-codegen --op=backward --dtype=bf16 --head-dim=32 --chip=sm_90a --emit-mlir | FileCheck %s
// RUN: msa-codegen --op=backward --dtype=f32 --precision=tf32 --head-dim=8 --chip=sm_80 --emit-mlir | FileCheck %s --check-prefix=TF32
// RUN: msa-codegen %s --chip=sm_80 -o %t | FileCheck %s --check-prefix=INPUT

// CHECK:       gpu.module @msa_pwa_bwd_bf16_c32_sm_90a
// CHECK-LABEL: gpu.func @msa_pwa_probs_bf16
// CHECK-LABEL: gpu.func @msa_pwa_bwd_prep_bf16_c32
// CHECK-SAME:    known_block_size = array<i32: 128, 1, 1>
// CHECK:         scf.for
// CHECK:           math.exp2
// CHECK:           memref.store
// CHECK:         gpu.shuffle  xor
// CHECK-LABEL: gpu.func @msa_pwa_bwd_dv_bf16_c32
// CHECK-SAME:    known_block_size = array<i32: 512, 1, 1>
// P^T stages ([k][m]: 32 rows of 256 + 8) and dO' stages.
// CHECK:         memref.view {{.*}} to memref<4x32x264xbf16, #gpu.address_space<workgroup>>
// CHECK:         memref.view {{.*}} to memref<4x32x136xbf16, #gpu.address_space<workgroup>>
// CHECK:         nvgpu.device_async_copy
// CHECK:         scf.for
// CHECK:           nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = true}
// CHECK:           nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = true}
// CHECK:           nvvm.mma.sync
// CHECK:         vector.store {{.*}} {alignment = 16 : i64}
// CHECK-LABEL: gpu.func @msa_pwa_bwd_dbias_bf16_c32
// CHECK-SAME:    known_block_size = array<i32: 256, 1, 1>
// CHECK:         scf.for
// CHECK:           nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = false}
// CHECK:           nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = false}
// CHECK:           nvvm.mma.sync
// The dW tile goes through shared memory; dbias = P * (dW - D).
// CHECK:         memref.view {{.*}} to memref<128x136xf32, #gpu.address_space<workgroup>>
// CHECK:         arith.subf
// CHECK:         arith.mulf
// CHECK:         memref.store
// CHECK-NOT:     atomic

// TF32:        gpu.module @msa_pwa_bwd_tf32_c8_sm_80
// TF32-LABEL:  gpu.func @msa_pwa_bwd_dv_tf32_c8
// TF32:          nvvm.mma.sync {{.*}} multiplicandAPtxType = #nvvm.mma_type<tf32>
// TF32-LABEL:  gpu.func @msa_pwa_bwd_dbias_tf32_c8
// TF32:          nvvm.mma.sync {{.*}} multiplicandAPtxType = #nvvm.mma_type<tf32>

// From an input file: the grad op selects the backward kernels.
// INPUT: wrote {{.*}}msa_pwa_bwd_f16_c16_sm_80.ptx
// INPUT: wrote {{.*}}msa_pwa_bwd_f16_c16_sm_80.json
func.func @g(%dout: memref<1x4x16x2x16xf16>, %v: memref<1x4x16x2x16xf16>,
             %bias: memref<1x16x16x2xf16>, %g: memref<1x4x16x2x16xf16>,
             %out: memref<1x4x16x2x16xf16>, %lse: memref<1x2x16xf32>,
             %dv: memref<1x4x16x2x16xf16>, %dbias: memref<1x16x16x2xf16>,
             %dg: memref<1x4x16x2x16xf16>) {
  msa.pair_weighted_average_grad dout(%dout : memref<1x4x16x2x16xf16>)
      v(%v : memref<1x4x16x2x16xf16>) bias(%bias : memref<1x16x16x2xf16>)
      gate(%g : memref<1x4x16x2x16xf16>) out(%out : memref<1x4x16x2x16xf16>)
      lse(%lse : memref<1x2x16xf32>) dv(%dv : memref<1x4x16x2x16xf16>)
      dbias(%dbias : memref<1x16x16x2xf16>) dgate(%dg : memref<1x4x16x2x16xf16>)
  return
}
