//===- Passes.h - msa dialect transformation passes -------------*- C++ -*-===//
//
// Declares the msa transformation passes (generated from Passes.td).
//
//===----------------------------------------------------------------------===//

#ifndef MSA_DIALECT_MSA_TRANSFORMS_PASSES_H
#define MSA_DIALECT_MSA_TRANSFORMS_PASSES_H

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Pass/Pass.h"
#include "msa/Dialect/MSA/IR/MSADialect.h"

namespace mlir {
class RewritePatternSet;
namespace msa {

#define GEN_PASS_DECL
#include "msa/Dialect/MSA/Transforms/Passes.h.inc"

/// Adds the pattern that raises the unfused chain into the fused op.
void populateFusePairWeightedAveragePatterns(RewritePatternSet &patterns);

#define GEN_PASS_REGISTRATION
#include "msa/Dialect/MSA/Transforms/Passes.h.inc"

} // namespace msa
} // namespace mlir

#endif // MSA_DIALECT_MSA_TRANSFORMS_PASSES_H
