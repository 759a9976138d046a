// msa-codegen refuses unsupported combinations with a clear message, a
// non-zero exit, and no output files.

// RUN: rm -rf %t && not msa-codegen --dtype=bf16 --head-dim=24 --chip=sm_80 -o %t 2>&1 | FileCheck %s --check-prefix=HEAD
// HEAD: msa-codegen: error: head dimension C must be 8, 16, 32 or 64, got 24
// RUN: not ls %t

// RUN: not msa-codegen --dtype=bf16 --head-dim=32 --chip=sm_70 -o %t 2>&1 | FileCheck %s --check-prefix=CHIP
// CHIP: msa-codegen: error: chip must be sm_80 or sm_90a, got 'sm_70'

// RUN: not msa-codegen --dtype=f32 --precision=fp8 --head-dim=32 --chip=sm_80 -o %t 2>&1 | FileCheck %s --check-prefix=F32
// F32: msa-codegen: error: --precision must be ieee or tf32, got 'fp8'

// RUN: not msa-codegen --dtype=bf16 --precision=tf32 --head-dim=32 --chip=sm_80 -o %t 2>&1 | FileCheck %s --check-prefix=PREC
// PREC: msa-codegen: error: --precision=tf32 applies only to f32

// RUN: not msa-codegen --dtype=int8 --head-dim=32 --chip=sm_80 -o %t 2>&1 | FileCheck %s --check-prefix=DTYPE
// DTYPE: msa-codegen: error: --dtype must be bf16, f16 or f32, got 'int8'

// RUN: not msa-codegen --op=transpose --dtype=bf16 --head-dim=32 --chip=sm_80 -o %t 2>&1 | FileCheck %s --check-prefix=OP
// OP: msa-codegen: error: --op must be 'forward' or 'backward', got 'transpose'

// RUN: not msa-codegen --all --dtype=bf16 -o %t 2>&1 | FileCheck %s --check-prefix=MODES
// MODES: msa-codegen: error: give exactly one of: --all, an input file, or --dtype/--head-dim/--chip

// RUN: not msa-codegen --dtype=bf16 --head-dim=32 --chip=sm_80 2>&1 | FileCheck %s --check-prefix=NOOUT
// NOOUT: msa-codegen: error: -o DIR is required

// RUN: not msa-codegen --dtype=bf16 --head-dim=32 --chip=sm_80 --mma=wgmma -o %t 2>&1 | FileCheck %s --check-prefix=WGCHIP
// WGCHIP: msa-codegen: error: wgmma needs chip sm_90a, got 'sm_80'
// RUN: not msa-codegen --dtype=f32 --head-dim=32 --chip=sm_90a --mma=wgmma -o %t 2>&1 | FileCheck %s --check-prefix=WGF32
// WGF32: msa-codegen: error: wgmma applies to bf16 and f16 (f32 uses mma.sync tf32)
// RUN: not msa-codegen --op=backward --dtype=bf16 --head-dim=32 --chip=sm_90a --mma=wgmma -o %t 2>&1 | FileCheck %s --check-prefix=WGBWD
// WGBWD: msa-codegen: error: --mma=wgmma applies to the forward
// RUN: not msa-codegen --dtype=bf16 --head-dim=32 --chip=sm_90a --mma=hmma -o %t 2>&1 | FileCheck %s --check-prefix=MMA
// MMA: msa-codegen: error: --mma must be sync or wgmma, got 'hmma'
// RUN: not ls %t

// From an input file: the variant comes from the op's types.
// RUN: msa-codegen %s --chip=sm_90a -o %t.in | FileCheck %s --check-prefix=INPUT
// INPUT: wrote {{.*}}msa_pwa_fwd_f16_c16_sm_90a.ptx
// INPUT: wrote {{.*}}msa_pwa_fwd_f16_c16_sm_90a.json
// RUN: not msa-codegen %s -o %t.in 2>&1 | FileCheck %s --check-prefix=NOCHIP
// NOCHIP: msa-codegen: error: --chip is required with an input file
// RUN: not msa-codegen %s.does-not-exist --chip=sm_80 -o %t.in 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: msa-codegen: error:
// MISSING-NOT: Stack dump
func.func @f(%v: memref<1x4x16x2x16xf16>, %bias: memref<1x16x16x2xf16>,
             %g: memref<1x4x16x2x16xf16>, %out: memref<1x4x16x2x16xf16>) {
  msa.pair_weighted_average v(%v : memref<1x4x16x2x16xf16>)
      bias(%bias : memref<1x16x16x2xf16>) gate(%g : memref<1x4x16x2x16xf16>)
      out(%out : memref<1x4x16x2x16xf16>)
  return
}
