// RUN: msa-opt %s --convert-msa-to-gpu=chip=sm_90a -split-input-file -verify-diagnostics | FileCheck %s

// The fused op becomes: P allocated on the device, the probabilities kernel
// over (R, B), the GEMM over (B*H, ceil(R/256), ceil(S*C/128)) (at C = 32 a
// CTA computes 256 rows of one head) with its dynamic shared memory, P freed. One gpu.module holds the variant's kernels.

// CHECK:       module attributes {gpu.container_module}
// CHECK-LABEL: func.func @forward(
// CHECK-SAME:      %[[V:[^:]*]]: memref<?x?x?x8x32xbf16>
// CHECK-NOT:     msa.pair_weighted_average
// CHECK:         %[[B:.*]] = memref.dim %[[V]], %c0
// CHECK:         %[[R:.*]] = memref.dim %[[V]], %c2
// CHECK:         scf.if
// CHECK:           %[[P:.*]] = gpu.alloc  (%{{.*}}) : memref<?xbf16>
// CHECK:           gpu.launch_func  @msa_pwa_fwd_bf16_c32_sm_90a::@msa_pwa_probs_bf16 blocks in (%[[R]], %[[B]], %{{.*}}) threads in (%c128
// CHECK:           scf.if
// CHECK:             gpu.launch_func  @msa_pwa_fwd_bf16_c32_sm_90a::@msa_pwa_fwd_bf16_c32 blocks in ({{.*}}) threads in (%c512{{.*}}) dynamic_shared_memory_size %c116736_i32
// CHECK:           gpu.dealloc  %[[P]] : memref<?xbf16>
// CHECK:       gpu.module @msa_pwa_fwd_bf16_c32_sm_90a [#nvvm.target<O = 3, chip = "sm_90a", features = "+ptx80">]
// CHECK:         gpu.func @msa_pwa_probs_bf16
// CHECK:         gpu.func @msa_pwa_fwd_bf16_c32
// CHECK-NOT:   gpu.module
// CHECK:       // -----
func.func @forward(%v: memref<?x?x?x8x32xbf16>, %bias: memref<?x?x?x8xbf16>,
                   %g: memref<?x?x?x8x32xbf16>, %pm: memref<?x?x?xbf16>,
                   %out: memref<?x?x?x8x32xbf16>, %lse: memref<?x8x?xf32>,
                   %out2: memref<?x?x?x8x32xbf16>) {
  msa.pair_weighted_average v(%v : memref<?x?x?x8x32xbf16>)
      bias(%bias : memref<?x?x?x8xbf16>) gate(%g : memref<?x?x?x8x32xbf16>)
      pair_mask(%pm : memref<?x?x?xbf16>) out(%out : memref<?x?x?x8x32xbf16>)
      lse(%lse : memref<?x8x?xf32>)
  // A second op of the same variant reuses the gpu.module.
  msa.pair_weighted_average v(%v : memref<?x?x?x8x32xbf16>)
      bias(%bias : memref<?x?x?x8xbf16>) gate(%g : memref<?x?x?x8x32xbf16>)
      out(%out2 : memref<?x?x?x8x32xbf16>)
  return
}

// -----

// f32 data with the op's precision: "f32" (3xTF32, the ieee default) and
// "tf32" variants, each in its own gpu.module.
// CHECK-LABEL: func.func @f32_data(
// CHECK:         gpu.launch_func  @msa_pwa_fwd_f32_c8_sm_90a::@msa_pwa_probs_f32
// CHECK:         gpu.launch_func  @msa_pwa_fwd_f32_c8_sm_90a::@msa_pwa_fwd_f32_c8
// CHECK:         gpu.launch_func  @msa_pwa_fwd_tf32_c8_sm_90a::@msa_pwa_probs_f32
// CHECK:         gpu.launch_func  @msa_pwa_fwd_tf32_c8_sm_90a::@msa_pwa_fwd_tf32_c8
// CHECK-DAG:   gpu.module @msa_pwa_fwd_f32_c8_sm_90a
// CHECK-DAG:   gpu.module @msa_pwa_fwd_tf32_c8_sm_90a
func.func @f32_data(%v: memref<1x2x3x4x8xf32>, %bias: memref<1x3x3x4xf32>,
                    %g: memref<1x2x3x4x8xf32>, %out: memref<1x2x3x4x8xf32>,
                    %out2: memref<1x2x3x4x8xf32>) {
  msa.pair_weighted_average v(%v : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>) gate(%g : memref<1x2x3x4x8xf32>)
      out(%out : memref<1x2x3x4x8xf32>)
  msa.pair_weighted_average v(%v : memref<1x2x3x4x8xf32>)
      bias(%bias : memref<1x3x3x4xf32>) gate(%g : memref<1x2x3x4x8xf32>)
      out(%out2 : memref<1x2x3x4x8xf32>) {precision = #msa.precision<tf32>}
  return
}

// -----

func.func @dynamic_head_dim(%v: memref<1x2x3x4x?xf16>, %bias: memref<1x3x3x4xf16>,
                            %g: memref<1x2x3x4x?xf16>, %out: memref<1x2x3x4x?xf16>) {
  // expected-error @+1 {{cannot be lowered to the GPU kernels: the head dimension C of 'v' must be static}}
  msa.pair_weighted_average v(%v : memref<1x2x3x4x?xf16>)
      bias(%bias : memref<1x3x3x4xf16>) gate(%g : memref<1x2x3x4x?xf16>)
      out(%out : memref<1x2x3x4x?xf16>)
  return
}

// -----

func.func @f32_bias(%v: memref<1x2x3x4x16xf16>, %bias: memref<1x3x3x4xf32>,
                    %g: memref<1x2x3x4x16xf16>, %out: memref<1x2x3x4x16xf16>) {
  // expected-error @+1 {{cannot be lowered to the GPU kernels: bias and masks must have the data type}}
  msa.pair_weighted_average v(%v : memref<1x2x3x4x16xf16>)
      bias(%bias : memref<1x3x3x4xf32>) gate(%g : memref<1x2x3x4x16xf16>)
      out(%out : memref<1x2x3x4x16xf16>)
  return
}

// -----

func.func @head_dim_12(%v: memref<1x2x3x4x12xf16>, %bias: memref<1x3x3x4xf16>,
                       %g: memref<1x2x3x4x12xf16>, %out: memref<1x2x3x4x12xf16>) {
  // expected-error @+1 {{cannot be lowered to the GPU kernels: head dimension C must be 8, 16, 32 or 64, got 12}}
  msa.pair_weighted_average v(%v : memref<1x2x3x4x12xf16>)
      bias(%bias : memref<1x3x3x4xf16>) gate(%g : memref<1x2x3x4x12xf16>)
      out(%out : memref<1x2x3x4x12xf16>)
  return
}

// -----

// v is copied in 16-byte pieces: a stride of 9 bf16 elements cannot be.
func.func @unaligned_v_stride(%v: memref<1x2x16x2x8xbf16, strided<[576, 288, 18, 9, 1]>>,
                              %bias: memref<1x16x16x2xbf16>,
                              %g: memref<1x2x16x2x8xbf16>,
                              %out: memref<1x2x16x2x8xbf16>) {
  // expected-error @+1 {{cannot be lowered to the GPU kernels: the strides of 'v' over B, S, R, H must be multiples of 16 bytes, got 18 elements for dimension 2}}
  msa.pair_weighted_average v(%v : memref<1x2x16x2x8xbf16, strided<[576, 288, 18, 9, 1]>>)
      bias(%bias : memref<1x16x16x2xbf16>) gate(%g : memref<1x2x16x2x8xbf16>)
      out(%out : memref<1x2x16x2x8xbf16>)
  return
}

// -----

func.func @too_many_columns(%v: memref<1x1048576x3x4x64xf16>, %bias: memref<1x3x3x4xf16>,
                            %g: memref<1x1048576x3x4x64xf16>, %out: memref<1x1048576x3x4x64xf16>) {
  // expected-error @+1 {{cannot be lowered to the GPU kernels: S*C is too large for the launch grid}}
  msa.pair_weighted_average v(%v : memref<1x1048576x3x4x64xf16>)
      bias(%bias : memref<1x3x3x4xf16>) gate(%g : memref<1x1048576x3x4x64xf16>)
      out(%out : memref<1x1048576x3x4x64xf16>)
  return
}

// -----

// The backward: P, dO' and D scratch; probs, prep, dv (not when S is 0) and
// dbias launches, arguments matched to the kernels' parameters by name;
// the scratch freed.
// CHECK-LABEL: func.func @backward(
// CHECK-NOT:     msa.pair_weighted_average_grad
// CHECK:         scf.if
// CHECK:           gpu.alloc  (%{{.*}}) : memref<?xbf16>
// CHECK:           gpu.alloc  (%{{.*}}) : memref<?xbf16>
// CHECK:           gpu.alloc  (%{{.*}}) : memref<?xf32>
// CHECK:           gpu.launch_func  @msa_pwa_bwd_bf16_c8_sm_90a::@msa_pwa_probs_bf16
// CHECK:           gpu.launch_func  @msa_pwa_bwd_bf16_c8_sm_90a::@msa_pwa_bwd_prep_bf16_c8
// CHECK:           scf.if
// CHECK:             gpu.launch_func  @msa_pwa_bwd_bf16_c8_sm_90a::@msa_pwa_bwd_dv_bf16_c8 {{.*}} threads in (%c512{{.*}}) dynamic_shared_memory_size
// CHECK:           gpu.launch_func  @msa_pwa_bwd_bf16_c8_sm_90a::@msa_pwa_bwd_dbias_bf16_c8 {{.*}} threads in (%c256{{.*}}) dynamic_shared_memory_size
// CHECK-COUNT-3:   gpu.dealloc
// CHECK:       gpu.module @msa_pwa_bwd_bf16_c8_sm_90a
// CHECK:         gpu.func @msa_pwa_probs_bf16
// CHECK:         gpu.func @msa_pwa_bwd_prep_bf16_c8
// CHECK:         gpu.func @msa_pwa_bwd_dv_bf16_c8
// CHECK:         gpu.func @msa_pwa_bwd_dbias_bf16_c8
func.func @backward(%dout: memref<?x?x?x8x8xbf16>, %v: memref<?x?x?x8x8xbf16>,
                    %bias: memref<?x?x?x8xbf16>, %g: memref<?x?x?x8x8xbf16>,
                    %out: memref<?x?x?x8x8xbf16>, %lse: memref<?x8x?xf32>,
                    %mm: memref<?x?x?xbf16>, %dv: memref<?x?x?x8x8xbf16>,
                    %dbias: memref<?x?x?x8xbf16>, %dg: memref<?x?x?x8x8xbf16>) {
  msa.pair_weighted_average_grad dout(%dout : memref<?x?x?x8x8xbf16>)
      v(%v : memref<?x?x?x8x8xbf16>) bias(%bias : memref<?x?x?x8xbf16>)
      gate(%g : memref<?x?x?x8x8xbf16>) out(%out : memref<?x?x?x8x8xbf16>)
      lse(%lse : memref<?x8x?xf32>) msa_mask(%mm : memref<?x?x?xbf16>)
      dv(%dv : memref<?x?x?x8x8xbf16>) dbias(%dbias : memref<?x?x?x8xbf16>)
      dgate(%dg : memref<?x?x?x8x8xbf16>)
  return
}

// -----

func.func @backward_f32_dbias(%dout: memref<1x2x3x4x16xf16>, %v: memref<1x2x3x4x16xf16>,
                              %bias: memref<1x3x3x4xf16>, %g: memref<1x2x3x4x16xf16>,
                              %out: memref<1x2x3x4x16xf16>, %lse: memref<1x4x3xf32>,
                              %dv: memref<1x2x3x4x16xf16>, %dbias: memref<1x3x3x4xf32>,
                              %dg: memref<1x2x3x4x16xf16>) {
  // expected-error @+1 {{cannot be lowered to the GPU kernels: bias, dbias and masks must have the data type}}
  msa.pair_weighted_average_grad dout(%dout : memref<1x2x3x4x16xf16>)
      v(%v : memref<1x2x3x4x16xf16>) bias(%bias : memref<1x3x3x4xf16>)
      gate(%g : memref<1x2x3x4x16xf16>) out(%out : memref<1x2x3x4x16xf16>)
      lse(%lse : memref<1x4x3xf32>) dv(%dv : memref<1x2x3x4x16xf16>)
      dbias(%dbias : memref<1x3x3x4xf32>) dgate(%dg : memref<1x2x3x4x16xf16>)
  return
}
