//===- CPURunner.cpp - Run msa IR on the host CPU ---------------*- C++ -*-===//
//
// Implements CPUExecutable: lowering through msa-cpu-pipeline, JIT
// compilation with the ExecutionEngine, and calls through the C interface
// with hand-built strided memref descriptors.
//
//===----------------------------------------------------------------------===//

#include "msa/ExecutionEngine/CPURunner.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "msa/Conversion/MSAToLoops/MSAToLoops.h"
#include "msa/InitAll.h"
#include "llvm/Support/TargetSelect.h"

using namespace mlir;
using namespace mlir::msa;

namespace {
llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}
} // namespace

void mlir::msa::registerCPURunnerDialects(DialectRegistry &registry) {
  registerAllDialects(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
}

CPUExecutable::~CPUExecutable() = default;

llvm::Expected<std::unique_ptr<CPUExecutable>>
CPUExecutable::create(ModuleOp module) {
  static const bool nativeTargetReady = [] {
    return !llvm::InitializeNativeTarget() &&
           !llvm::InitializeNativeTargetAsmPrinter();
  }();
  if (!nativeTargetReady)
    return makeError("the host's LLVM native target could not be initialized");

  std::unique_ptr<CPUExecutable> exe(new CPUExecutable());
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isPrivate() || func.isExternal())
      continue;
    std::vector<int64_t> ranks;
    for (Type t : func.getArgumentTypes()) {
      auto memref = dyn_cast<MemRefType>(t);
      if (!memref)
        return makeError("function '" + func.getName() +
                         "' has a non-memref argument");
      ranks.push_back(memref.getRank());
    }
    exe->signatures[func.getName()] = std::move(ranks);
    func->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                  UnitAttr::get(module.getContext()));
  }

  std::string diagnostics;
  {
    llvm::raw_string_ostream os(diagnostics);
    // Errors and warnings go into the returned error; remarks and notes
    // pass through to the caller's handlers.
    ScopedDiagnosticHandler handler(module.getContext(), [&](Diagnostic &d) {
      if (d.getSeverity() != DiagnosticSeverity::Error &&
          d.getSeverity() != DiagnosticSeverity::Warning)
        return failure();
      os << d.getLocation() << ": " << d << "\n";
      return success();
    });
    PassManager pm(module->getName());
    buildCPUPipeline(pm);
    if (failed(pm.run(module)))
      return makeError("msa-cpu-pipeline failed:\n" + diagnostics);
  }

  ExecutionEngineOptions options;
  auto transformer = makeOptimizingTransformer(/*optLevel=*/2, /*sizeLevel=*/0,
                                               /*targetMachine=*/nullptr);
  options.transformer = transformer;
  auto engine = ExecutionEngine::create(module, options);
  if (!engine)
    return makeError("JIT compilation failed: " +
                     llvm::toString(engine.takeError()));
  exe->engine = std::move(*engine);
  return exe;
}

llvm::Error CPUExecutable::invoke(llvm::StringRef name,
                                  llvm::ArrayRef<HostMemRef> args) {
  auto it = signatures.find(name);
  if (it == signatures.end())
    return makeError("no public function '" + name + "'");
  const std::vector<int64_t> &ranks = it->second;
  if (ranks.size() != args.size())
    return makeError("function '" + name + "' takes " +
                     llvm::Twine(ranks.size()) + " arguments, got " +
                     llvm::Twine(args.size()));

  // A strided memref descriptor is {allocated, aligned, offset, sizes[N],
  // strides[N]}, all 8-byte fields on a 64-bit host.
  static_assert(sizeof(void *) == sizeof(int64_t), "64-bit host expected");
  std::vector<std::vector<int64_t>> descriptors(args.size());
  std::vector<void *> descriptorPtrs(args.size());
  std::vector<void *> packed(args.size());
  for (size_t a = 0; a < args.size(); ++a) {
    const HostMemRef &arg = args[a];
    int64_t rank = static_cast<int64_t>(arg.shape.size());
    if (rank != ranks[a])
      return makeError("argument " + llvm::Twine(a) + " of '" + name +
                       "' has rank " + llvm::Twine(rank) + ", expected " +
                       llvm::Twine(ranks[a]));
    std::vector<int64_t> &d = descriptors[a];
    d.assign(3 + 2 * rank, 0);
    d[0] = d[1] = reinterpret_cast<int64_t>(arg.data);
    int64_t stride = 1;
    for (int64_t i = rank - 1; i >= 0; --i) {
      d[3 + i] = arg.shape[i];
      d[3 + rank + i] = stride;
      stride *= arg.shape[i];
    }
    descriptorPtrs[a] = d.data();
    packed[a] = &descriptorPtrs[a];
  }
  return engine->invokePacked(("_mlir_ciface_" + name).str(), packed);
}
