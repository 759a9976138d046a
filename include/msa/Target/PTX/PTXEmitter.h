//===- PTXEmitter.h - gpu.module to PTX -------------------------*- C++ -*-===//
//
// Lowers a gpu.module built by the msa GPU conversions (gpu, nvgpu, nvvm,
// scf, arith, math, memref, vector) through NVVM and LLVM's NVPTX back end
// to PTX text, using the NVVM target attribute attached to the module.
//
//===----------------------------------------------------------------------===//

#ifndef MSA_TARGET_PTX_PTXEMITTER_H
#define MSA_TARGET_PTX_PTXEMITTER_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <string>

namespace mlir {
class DialectRegistry;
namespace gpu {
class GPUModuleOp;
} // namespace gpu
namespace msa {

/// Registers the dialects, interfaces and translations PTX emission needs.
void registerPTXEmitterDialects(DialectRegistry &registry);

/// Lowers `gpuModule` in place to the NVVM/LLVM dialects (bare-pointer
/// kernel ABI) and serializes it with its NVVM target. `toolkitPath` locates
/// libdevice. Diagnostics produced on the way are returned in the error.
llvm::Expected<std::string> emitPTX(gpu::GPUModuleOp gpuModule,
                                    llvm::StringRef toolkitPath);

} // namespace msa
} // namespace mlir

#endif // MSA_TARGET_PTX_PTXEMITTER_H
