//===- MSAToLoops.h - Lower msa ops to loops --------------------*- C++ -*-===//
//
// Declares the lowering of msa ops to scf/arith/math/memref loop nests (the
// CPU execution path) and the host pipeline that takes msa IR to LLVM IR.
//
//===----------------------------------------------------------------------===//

#ifndef MSA_CONVERSION_MSATOLOOPS_MSATOLOOPS_H
#define MSA_CONVERSION_MSATOLOOPS_MSATOLOOPS_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
class OpPassManager;
class RewritePatternSet;
namespace msa {

#define GEN_PASS_DECL_CONVERTMSATOLOOPS
#include "msa/Conversion/Passes.h.inc"

/// Adds the patterns lowering every msa op to loops.
void populateMSAToLoopsConversionPatterns(RewritePatternSet &patterns);

/// Builds the host pipeline: fuse the unfused chain, lower msa to loops, then
/// lower everything to the LLVM dialect (bf16/f16 conversions expanded to
/// integer arithmetic, functions with `llvm.emit_c_interface` get C wrappers).
/// Registered as `msa-cpu-pipeline`.
void buildCPUPipeline(OpPassManager &pm);

/// Registers `msa-cpu-pipeline`.
void registerCPUPipeline();

} // namespace msa
} // namespace mlir

#endif // MSA_CONVERSION_MSATOLOOPS_MSATOLOOPS_H
