//===- CPURunner.h - Run msa IR on the host CPU -----------------*- C++ -*-===//
//
// Compiles a module of msa IR through `msa-cpu-pipeline` into native code
// with MLIR's ExecutionEngine and calls its functions on host buffers. This
// is the CPU execution path that tests and the msa-run tool check against the
// float64 reference.
//
//===----------------------------------------------------------------------===//

#ifndef MSA_EXECUTIONENGINE_CPURUNNER_H
#define MSA_EXECUTIONENGINE_CPURUNNER_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace mlir {
class ExecutionEngine;
namespace msa {

/// A dense row-major host buffer passed as one memref argument. Its element
/// type must be the one the function declares; the runner does not see it.
struct HostMemRef {
  void *data;
  std::vector<int64_t> shape;
};

/// A JIT-compiled msa module.
class CPUExecutable {
public:
  /// Lowers `module` in place with msa-cpu-pipeline (every public function
  /// gets a C interface) and JIT-compiles it. Diagnostics produced on the way
  /// are returned in the error.
  static llvm::Expected<std::unique_ptr<CPUExecutable>> create(ModuleOp module);

  /// Calls public function `name`, whose arguments are all memrefs, with
  /// `args` in order. Ranks are checked against the function's signature as
  /// it was before lowering.
  llvm::Error invoke(llvm::StringRef name, llvm::ArrayRef<HostMemRef> args);

  ~CPUExecutable();

private:
  CPUExecutable() = default;
  std::unique_ptr<ExecutionEngine> engine;
  /// Per function: the rank of every argument.
  llvm::StringMap<std::vector<int64_t>> signatures;
};

/// Registers the dialects and translations the runner needs in `registry`.
void registerCPURunnerDialects(DialectRegistry &registry);

} // namespace msa
} // namespace mlir

#endif // MSA_EXECUTIONENGINE_CPURUNNER_H
