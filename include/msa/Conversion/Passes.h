//===- Passes.h - msa conversion passes -------------------------*- C++ -*-===//
//
// Declares the msa conversion passes (generated from Passes.td).
//
//===----------------------------------------------------------------------===//

#ifndef MSA_CONVERSION_PASSES_H
#define MSA_CONVERSION_PASSES_H

#include "msa/Conversion/MSAToGPU/MSAToGPU.h"
#include "msa/Conversion/MSAToLoops/MSAToLoops.h"

namespace mlir {
namespace msa {

#define GEN_PASS_REGISTRATION
#include "msa/Conversion/Passes.h.inc"

} // namespace msa
} // namespace mlir

#endif // MSA_CONVERSION_PASSES_H
