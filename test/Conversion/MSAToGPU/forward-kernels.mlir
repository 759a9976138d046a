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
// through cp.async tiles, v through cp.async tiles. A CTA has 16 warps: at
// C = 32 (64-byte rows) they compute 256 rows of one head over each v tile;
// at C = 8 with 16-bit data (16-byte rows) 128 rows of two neighbouring
// heads, each head its own P tile.
// CHECK-LABEL: gpu.func @msa_pwa_fwd_
// CHECK-SAME:    known_block_size = array<i32: 512, 1, 1>
// CHECK-SAME:    nvvm.minctasm = 1
// The four pipeline stages of P and of v, views of dynamic shared memory
// (P stages first; the v stages start at 4 * 256 * 40 * 2 bytes).
// CHECK:         %[[DYN:.*]] = gpu.dynamic_shared_memory : memref<?xi8, #gpu.address_space<workgroup>>
// BF16:          memref.view %[[DYN]][%{{.*}}][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<4x256x40xbf16, #gpu.address_space<workgroup>>
// BF16:          memref.view %[[DYN]][%{{.*}}][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<4x32x136xbf16, #gpu.address_space<workgroup>>
// F16:           memref.view %[[DYN]][%{{.*}}][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<4x256x40xf16, #gpu.address_space<workgroup>>
// F16:           memref.view %[[DYN]][%{{.*}}][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<4x32x264xf16, #gpu.address_space<workgroup>>
// CHECK:         nvgpu.device_async_copy {{.*}} {bypassL1}
// CHECK:         nvgpu.device_async_create_group
// CHECK:         scf.for
// CHECK:           nvgpu.device_async_wait
// CHECK:           gpu.barrier
// Warps with no rows below R (or no head below H) skip their MMAs.
// CHECK:           scf.if
// CHECK:           nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = false}
// CHECK:           nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = true}
// BF16:            nvvm.mma.sync {{.*}} multiplicandAPtxType = #nvvm.mma_type<bf16>
// F16:             nvvm.mma.sync {{.*}} : (vector<2xf16>, vector<2xf16>, f32)
// CHECK:           scf.yield
// The epilogue, through the output tile in the same shared bytes: the gate
// tile arrives by 16-byte copies (element-wise where gate or out are not
// 16-byte aligned), sigmoid(gate) (exp2) times the accumulators is formed in
// place, and out leaves in 16-byte vector stores.
// BF16:          memref.view %[[DYN]][%{{.*}}][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<256x136xbf16, #gpu.address_space<workgroup>>
// F16:           memref.view %[[DYN]][%{{.*}}][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<128x264xf16, #gpu.address_space<workgroup>>
// CHECK:         memref.extract_aligned_pointer_as_index
// CHECK:         scf.if
// CHECK:           nvgpu.device_async_copy
// CHECK:         } else {
// CHECK:           memref.load
// CHECK:         gpu.barrier
// CHECK:         math.exp2
// CHECK:         gpu.barrier
// CHECK:         vector.load {{.*}} vector<8x
// CHECK:         vector.store {{.*}} {alignment = 16 : i64}
// CHECK:         gpu.return
// CHECK-NOT:     msa.
