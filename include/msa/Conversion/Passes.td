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

#endif // MSA_CONVERSION_PASSES_TD
