//===- InitAll.cpp - Register every msa dialect and pass --------*- C++ -*-===//
//
// Implements the registration entry points declared in msa/InitAll.h.
//
//===----------------------------------------------------------------------===//

#include "msa/InitAll.h"

#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "msa/Conversion/Passes.h"
#include "msa/Dialect/MSA/IR/MSADialect.h"
#include "msa/Dialect/MSA/Transforms/Passes.h"

void mlir::msa::registerAllDialects(DialectRegistry &registry) {
  registry
      .insert<MSADialect, func::FuncDialect, arith::ArithDialect,
              math::MathDialect, memref::MemRefDialect, scf::SCFDialect,
              cf::ControlFlowDialect, LLVM::LLVMDialect, gpu::GPUDialect,
              NVVM::NVVMDialect, nvgpu::NVGPUDialect, vector::VectorDialect>();
  arith::registerConvertArithToLLVMInterface(registry);
  cf::registerConvertControlFlowToLLVMInterface(registry);
  registerConvertFuncToLLVMInterface(registry);
  registerConvertMathToLLVMInterface(registry);
  registerConvertMemRefToLLVMInterface(registry);
}

void mlir::msa::registerAllPasses() {
  registerMSATransformsPasses();
  registerMSAConversionPasses();
  registerCPUPipeline();
  // Upstream passes that appear in msa pipelines and tests. Their generated
  // registration functions live in the heavy umbrella headers; registering
  // the constructors directly keeps this file light.
  registerCanonicalizerPass();
  registerCSEPass();
  arith::registerArithExpandOpsPass();
  for (auto create :
       {+[] { return createSCFToControlFlowPass(); },
        +[] { return createConvertMathToLLVMPass(); },
        +[] { return createFinalizeMemRefToLLVMConversionPass(); },
        +[] { return createConvertFuncToLLVMPass(); },
        +[] { return createArithToLLVMConversionPass(); },
        +[] { return createConvertControlFlowToLLVMPass(); },
        +[] { return createReconcileUnrealizedCastsPass(); }})
    registerPass(create);
}
