//===- InitAll.h - Register every msa dialect and pass ----------*- C++ -*-===//
//
// One place that registers the msa dialect, the upstream dialects msa IR is
// written with or lowered to, and every msa pass and pipeline. Tools call it
// once at start-up.
//
//===----------------------------------------------------------------------===//

#ifndef MSA_INITALL_H
#define MSA_INITALL_H

namespace mlir {
class DialectRegistry;
namespace msa {

/// Adds the msa dialect and the upstream dialects (func, arith, math, memref,
/// scf, cf, llvm) and their interfaces to `registry`.
void registerAllDialects(DialectRegistry &registry);

/// Registers the msa passes, the msa pipelines and the upstream passes the
/// pipelines are built from, for use on the command line.
void registerAllPasses();

} // namespace msa
} // namespace mlir

#endif // MSA_INITALL_H
