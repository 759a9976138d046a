// The kernels of the GPU forward, as msa-codegen builds them (before the
// NVVM lowering): the probabilities kernel and the tensor-core GEMM with its
// cp.async pipeline, ldmatrix fragments, mma.sync and the gate epilogue.

// RUN: msa-codegen --dtype=bf16 --head-dim=32 --chip=sm_80 --emit-mlir | FileCheck %s --check-prefixes=CHECK,BF16
// RUN: msa-codegen --dtype=f16 --head-dim=8 --chip=sm_90a --emit-mlir | FileCheck %s --check-prefixes=CHECK,F16

// CHECK:       module attributes {gpu.container_module}
// BF16:        gpu.module @msa_pwa_fwd_bf16_c32_sm_80 [#nvvm.target<O = 3, chip = "sm_80", features = "+ptx80">]
// F16:         gpu.module @msa_pwa_fwd_f16_c8_sm_90a [#nvvm.target<O = 3, chip = "sm_90a", features = "+ptx80">]

// Kernel 1: row statistics (warp shuffles), exp2, P written once per (b,h,i,j).
// CHECK-LABEL: gpu.func @msa_pwa_probs_
// CHECK-SAME:    kernel
// CHECK-SAME:    known_block_size = array<i32: 128, 1, 1>
// CHECK:         gpu.shuffle  xor
// CHECK:         math.exp2
// CHECK:         math.log
// CHECK:         gpu.return

// Kernel 2: the GEMM. No msa op and no weights at [S, R, R] size: P is read
// through cp.async tiles, v through cp.async tiles.
// CHECK-LABEL: gpu.func @msa_pwa_fwd_
// CHECK-SAME:    known_block_size = array<i32: 256, 1, 1>
// The four pipeline stages of P and of v, views of dynamic shared memory
// (P stages first; the v stages start at 4 * 128 * 40 * 2 bytes).
// CHECK:         %[[DYN:.*]] = gpu.dynamic_shared_memory : memref<?xi8, #gpu.address_space<workgroup>>
// BF16:          memref.view %[[DYN]][%{{.*}}][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<4x128x40xbf16, #gpu.address_space<workgroup>>
// BF16:          memref.view %[[DYN]][%{{.*}}][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<4x32x136xbf16, #gpu.address_space<workgroup>>
// CHECK:         nvgpu.device_async_copy {{.*}} {bypassL1}
// CHECK:         nvgpu.device_async_create_group
// CHECK:         scf.for
// CHECK:           nvgpu.device_async_wait
// CHECK:           gpu.barrier
// CHECK:           nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = false}
// CHECK:           nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = true}
// BF16:            nvvm.mma.sync {{.*}} multiplicandAPtxType = #nvvm.mma_type<bf16>
// F16:             nvvm.mma.sync {{.*}} : (vector<2xf16>, vector<2xf16>, f32)
// CHECK:           scf.yield
// The epilogue: sigmoid(gate) (exp2) times the accumulators, then the store.
// CHECK:         math.exp2
// CHECK:         memref.store
// CHECK:         gpu.return
// CHECK-NOT:     msa.
