//===- CPUPipeline.cpp - msa IR to LLVM for the host ------------*- C++ -*-===//
//
// Implements `msa-cpu-pipeline`: fusion, the loop lowering, and the upstream
// conversions that take scf/arith/math/memref/func to the LLVM dialect, ready
// for the ExecutionEngine.
//
//===----------------------------------------------------------------------===//

#include "msa/Conversion/MSAToLoops/MSAToLoops.h"

#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "msa/Dialect/MSA/Transforms/Passes.h"

using namespace mlir;

void mlir::msa::buildCPUPipeline(OpPassManager &pm) {
  pm.addPass(createMSAFusePairWeightedAverage());
  pm.addPass(createConvertMSAToLoops());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createSCFToControlFlowPass());
  // bf16 <-> f32 conversions become integer bit manipulation (round to
  // nearest even), so the JIT needs no soft-float runtime for them.
  arith::ArithExpandOpsPassOptions expand;
  expand.includeBf16 = true;
  pm.addPass(arith::createArithExpandOpsPass(expand));
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void mlir::msa::registerCPUPipeline() {
  PassPipelineRegistration<>(
      "msa-cpu-pipeline",
      "Fuse, lower msa to loops and everything to the LLVM dialect for the "
      "host CPU",
      buildCPUPipeline);
}
