//===- MSAToGPU.h - Lower msa ops to GPU kernels and launches ---*- C++ -*-===//
//
// Declares `convert-msa-to-gpu`.
//
//===----------------------------------------------------------------------===//

#ifndef MSA_CONVERSION_MSATOGPU_MSATOGPU_H
#define MSA_CONVERSION_MSATOGPU_MSATOGPU_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
namespace msa {

#define GEN_PASS_DECL_CONVERTMSATOGPU
#include "msa/Conversion/Passes.h.inc"

class PairWeightedAverageOp;
class PairWeightedAverageGradOp;
struct ForwardVariant;

/// Sets `variant` to the GPU kernel variant that computes `op` on `chip`, and
/// returns why no such variant exists (an empty string if it does).
std::string gpuForwardVariantOf(PairWeightedAverageOp op, StringRef chip,
                                ForwardVariant &variant);

/// The backward kernel variant for `op` on `chip`, or why it has none: the
/// data type (bf16, f16, f32) and C of 'v', the precision; bias, masks and
/// dbias must have the data type.
std::string gpuBackwardVariantOf(PairWeightedAverageGradOp op, StringRef chip,
                                 ForwardVariant &variant);

} // namespace msa
} // namespace mlir

#endif // MSA_CONVERSION_MSATOGPU_MSATOGPU_H
