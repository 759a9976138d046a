//===- Passes.td - msa conversion passes -------------------*- tablegen -*-===//
//
// Passes that lower msa ops out of the dialect.
//
//===----------------------------------------------------------------------===//

#ifndef MSA_CONVERSION_PASSES_TD
#define MSA_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertMSAToLoops : Pass<"convert-msa-to-loops"> {
  let summary = "Lower msa ops to scf loops over memref loads and stores";
  let description = [{
    Lowers every msa op (the fused forward and gradient and the three
    unfused steps) to `scf.for` loop nests with `memref.load`/`memref.store`,
    `arith` and `math`, for execution on the host CPU. This is the numerical
    path CI runs; it is not tuned for speed.

    Postconditions: no msa op remains. Loads of bf16/f16 data are extended to
    f32, all arithmetic and accumulation is f32, stores truncate to the
    destination type (round to nearest even). Temporary row buffers are
    `memref.alloc`/`memref.dealloc` pairs sized by R. The softmax is the
    dialect's shift-invariant one (rows shifted by their largest mask term),
    so fully masked rows give softmax(bias).

    Sizes are read with `memref.dim`, so dynamic shapes work; offsets are
    `index`, 64-bit on the host.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect"];
}

def ConvertMSAToGPU : Pass<"convert-msa-to-gpu", "::mlir::ModuleOp"> {
  let summary = "Lower msa.pair_weighted_average(_grad) to GPU kernels and "
                "launches";
  let description = [{
    For every `msa.pair_weighted_average`, adds (once per variant) the
    gpu.module of its forward kernels for `chip` (see msa-codegen and
    ForwardKernels.h: a probabilities kernel and a tensor-core GEMM with the
    gate epilogue) and replaces the op by host code: a `gpu.alloc` of the
    probabilities P ([B, H, R, roundup(R, 8)] in the data type), two
    `gpu.launch_func` with the operands' base pointers, sizes and strides
    (from `memref.extract_strided_metadata`), and a `gpu.dealloc`. Nothing is
    launched when B, H or R is 0, and the GEMM not when S is 0.

    Every `msa.pair_weighted_average_grad` likewise gets the backward's
    gpu.module and host code: scratch P, dO' ([B, S, R, H, C], data type)
    and D ([B, H, R], f32), the launches of the probabilities, prep, dv (not
    when S is 0) and dbias kernels, and the deallocations. Arguments are
    matched to each kernel's parameters by name.

    Preconditions (otherwise the op is left alone and the pass fails with an
    error on it): bf16, f16 or f32 data with `bias`, masks (and `dbias`) in
    the data type, a static head dimension C in {8, 16, 32, 64}, operands whose
    layouts have a static zero offset and a contiguous innermost dimension,
    static strides of `v` that are multiples of 16 bytes, and static sizes
    within the launch grid (B <= 65535, ceil(R/128) and ceil(S*C/128) <=
    65535). Not checked, the caller's to guarantee: dynamic strides of `v`
    that are multiples of 16 bytes, 16-byte aligned buffers (as allocators
    return), and dynamic sizes within the grid limits; the runtime checks
    all of these before its launches.
  }];
  let options = [
    Option<"chip", "chip", "std::string", /*default=*/"\"sm_80\"",
           "Target chip: sm_80 or sm_90a">
  ];
  let dependentDialects = ["::mlir::gpu::GPUDialect",
                           "::mlir::NVVM::NVVMDialect",
                           "::mlir::nvgpu::NVGPUDialect",
                           "::mlir::vector::VectorDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect"];
}

#endif // MSA_CONVERSION_PASSES_TD
