//===- msa-run.cpp - Run msa IR on the CPU and check it ---------*- C++ -*-===//
//
// Takes a file of msa IR through msa-cpu-pipeline (fusion, the loop
// lowering, LLVM), JIT-compiles it and calls one function on fresh random
// inputs, then checks every output against the float64 reference and prints
// the errors and the time. The function's arguments must be statically shaped
// memrefs, each an operand of the function's msa.pair_weighted_average (after
// fusion) or of an msa.pair_weighted_average_grad that consumes its results.
// Exit status: 0 when every output is within its limit, 1 otherwise or on any
// error (bad input gets a diagnostic, never a crash).
//
//===----------------------------------------------------------------------===//

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "msa/Dialect/MSA/IR/MSAOps.h"
#include "msa/Dialect/MSA/Transforms/Passes.h"
#include "msa/ExecutionEngine/CPURunner.h"
#include "msa/Reference/Problem.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <map>

using namespace mlir;
namespace ref = ::msa::reference;

static llvm::cl::opt<std::string> inputFile(llvm::cl::Positional,
                                            llvm::cl::desc("<input .mlir>"),
                                            llvm::cl::Required);
static llvm::cl::opt<std::string>
    entry("entry",
          llvm::cl::desc("Function to run (default: the only public "
                         "function)"),
          llvm::cl::init(""));
static llvm::cl::opt<unsigned long long>
    seed("seed", llvm::cl::desc("Seed of the random inputs"),
         llvm::cl::init(1));

namespace {

/// What each function argument is to the op, by operand name.
using Roles = std::map<std::string, unsigned>;

int fail(const llvm::Twine &message) {
  llvm::errs() << "msa-run: error: " << message << "\n";
  return 1;
}

/// Records that operand `name` of an msa op is function argument `value`;
/// fails if it is not an argument or if `name` is bound to another one.
LogicalResult bind(Roles &roles, StringRef name, Value value,
                   std::string &error) {
  if (!value)
    return success();
  auto arg = dyn_cast<BlockArgument>(value);
  if (!arg || !isa<func::FuncOp>(arg.getOwner()->getParentOp())) {
    error = ("operand '" + name + "' must be a function argument").str();
    return failure();
  }
  auto [it, inserted] = roles.emplace(name.str(), arg.getArgNumber());
  if (!inserted && it->second != arg.getArgNumber()) {
    error = ("operand '" + name +
             "' differs between the forward and the gradient op")
                .str();
    return failure();
  }
  for (auto &[other, index] : roles)
    if (index == arg.getArgNumber() && other != name) {
      error = ("argument " + llvm::Twine(index) + " is both '" + other +
               "' and '" + name + "'; msa-run makes one buffer per operand")
                  .str();
      return failure();
    }
  return success();
}

std::optional<ref::ElementType> toElementType(Type t) {
  if (t.isBF16())
    return ref::ElementType::BF16;
  if (t.isF16())
    return ref::ElementType::F16;
  if (t.isF32())
    return ref::ElementType::F32;
  return std::nullopt;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  llvm::cl::ParseCommandLineOptions(
      argc, argv,
      "msa-run: run msa IR on the CPU and check it against the float64 "
      "reference\n");

  DialectRegistry registry;
  mlir::msa::registerCPURunnerDialects(registry);
  MLIRContext context(registry);
  context.printOpOnDiagnostic(false);

  std::string errorMessage;
  auto file = openInputFile(inputFile, &errorMessage);
  if (!file)
    return fail(errorMessage);
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  SourceMgrDiagnosticHandler diagHandler(sourceMgr, &context);
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  if (!module)
    return fail("could not parse '" + inputFile + "'");

  // Fuse first, so the roles of the arguments can be read off the fused op.
  PassManager fusion(&context);
  fusion.addPass(mlir::msa::createMSAFusePairWeightedAverage());
  if (failed(fusion.run(*module)))
    return fail("fusion failed");

  func::FuncOp func;
  for (auto f : module->getOps<func::FuncOp>()) {
    if (f.isPrivate() || f.isExternal())
      continue;
    if (!entry.empty() && f.getName() != entry)
      continue;
    if (func)
      return fail("more than one public function; choose one with --entry");
    func = f;
  }
  if (!func)
    return fail(entry.empty() ? "no public function in the input"
                              : "no public function '" + entry + "'");

  SmallVector<mlir::msa::PairWeightedAverageOp> forwards;
  SmallVector<mlir::msa::PairWeightedAverageGradOp> grads;
  func.walk(
      [&](mlir::msa::PairWeightedAverageOp op) { forwards.push_back(op); });
  func.walk(
      [&](mlir::msa::PairWeightedAverageGradOp op) { grads.push_back(op); });
  if (forwards.size() != 1)
    return fail("@" + func.getName() +
                " must hold exactly one msa.pair_weighted_average after "
                "fusion, found " +
                llvm::Twine(forwards.size()));
  if (grads.size() > 1)
    return fail("@" + func.getName() +
                " holds more than one msa.pair_weighted_average_grad");
  mlir::msa::PairWeightedAverageOp fwd = forwards.front();
  mlir::msa::PairWeightedAverageGradOp grad =
      grads.empty() ? nullptr : grads.front();

  Roles roles;
  std::string error;
  auto bindAll = [&](ArrayRef<std::pair<StringRef, Value>> operands) {
    for (auto [name, value] : operands)
      if (failed(bind(roles, name, value, error)))
        return failure();
    return success();
  };
  if (failed(bindAll({{"v", fwd.getV()},
                      {"bias", fwd.getBias()},
                      {"gate", fwd.getGate()},
                      {"pair_mask", fwd.getPairMask()},
                      {"msa_mask", fwd.getMsaMask()},
                      {"out", fwd.getOut()},
                      {"lse", fwd.getLse()}})))
    return fail(error);
  if (grad) {
    if (grad.getOut() != fwd.getOut() || grad.getLse() != fwd.getLse() ||
        grad.getPairMask() != fwd.getPairMask() ||
        grad.getMsaMask() != fwd.getMsaMask() || grad.getInf() != fwd.getInf())
      return fail("the gradient op must read the forward's 'out' and 'lse' "
                  "and use its masks and 'inf'");
    if (failed(bindAll({{"v", grad.getV()},
                        {"bias", grad.getBias()},
                        {"gate", grad.getGate()},
                        {"dout", grad.getDout()},
                        {"dv", grad.getDv()},
                        {"dbias", grad.getDbias()},
                        {"dgate", grad.getDgate()}})))
      return fail(error);
  }
  if (roles.size() != func.getNumArguments())
    return fail("every argument of @" + func.getName() +
                " must be an operand of the msa ops");
  for (BlockArgument arg : func.getArguments()) {
    auto type = dyn_cast<MemRefType>(arg.getType());
    if (!type || !type.hasStaticShape())
      return fail("argument " + llvm::Twine(arg.getArgNumber()) + " of @" +
                  func.getName() +
                  " must be a statically shaped memref (msa-run makes inputs "
                  "of that shape)");
    if (!type.getLayout().isIdentity())
      return fail("argument " + llvm::Twine(arg.getArgNumber()) + " of @" +
                  func.getName() +
                  " must have the identity layout (msa-run makes dense "
                  "row-major buffers)");
  }

  auto typeOf = [&](StringRef role) {
    return cast<MemRefType>(func.getArgument(roles.at(role.str())).getType());
  };
  ArrayRef<int64_t> vShape = typeOf("v").getShape();
  ref::ProblemConfig config;
  config.shape = {vShape[0], vShape[1], vShape[2], vShape[3], vShape[4]};
  config.dtype = *toElementType(typeOf("v").getElementType());
  config.biasType = *toElementType(typeOf("bias").getElementType());
  config.pairMask = roles.count("pair_mask");
  config.msaMask = roles.count("msa_mask");
  config.inf = fwd.getInf().convertToDouble();
  config.seed = seed;
  if (roles.count("dbias") &&
      typeOf("dbias").getElementType() != typeOf("bias").getElementType())
    return fail("msa-run makes 'dbias' of the element type of 'bias'; "
                "they differ");
  for (StringRef mask : {"pair_mask", "msa_mask"})
    if (roles.count(mask.str()) &&
        *toElementType(typeOf(mask).getElementType()) != config.dtype)
      return fail(("msa-run makes masks of the data type; '" + mask +
                   "' has another element type")
                      .str());
  bool tf32 = fwd.getPrecision() == mlir::msa::Precision::tf32;

  ref::Problem problem(config);
  if (grad)
    problem.computeBackward();
  std::map<std::string, ref::Tensor *> tensors = {
      {"v", &problem.v},
      {"bias", &problem.bias},
      {"gate", &problem.gate},
      {"pair_mask", &problem.pairMask},
      {"msa_mask", &problem.msaMask},
      {"out", &problem.out},
      {"lse", &problem.lse},
      {"dout", &problem.dout},
      {"dv", &problem.dv},
      {"dbias", &problem.dbias},
      {"dgate", &problem.dgate}};
  std::vector<mlir::msa::HostMemRef> args(func.getNumArguments());
  for (auto &[role, index] : roles)
    args[index] = {tensors.at(role)->data(), tensors.at(role)->shape};

  llvm::outs() << "msa-run: @" << func.getName() << " on " << problem.describe()
               << (grad ? " (forward + backward)" : "") << "\n";
  std::string funcName = func.getName().str();
  auto t0 = std::chrono::steady_clock::now();
  auto exe = mlir::msa::CPUExecutable::create(*module);
  if (!exe)
    return fail(llvm::toString(exe.takeError()));
  auto t1 = std::chrono::steady_clock::now();
  if (llvm::Error err = (*exe)->invoke(funcName, args))
    return fail(llvm::toString(std::move(err)));
  auto t2 = std::chrono::steady_clock::now();
  auto ms = [](auto d) {
    return std::chrono::duration<double, std::milli>(d).count();
  };
  llvm::outs() << llvm::format("  CPU path: compile %.1f ms, run %.2f ms\n",
                               ms(t1 - t0), ms(t2 - t1));

  double limit = ref::tolerance(config.dtype, tf32);
  struct Check {
    const char *role;
    const std::vector<double> *reference;
  };
  std::vector<Check> checks = {{"out", &problem.refOut}};
  if (roles.count("lse"))
    checks.push_back({"lse", &problem.refLse});
  if (grad) {
    checks.push_back({"dv", &problem.refDv});
    checks.push_back({"dbias", &problem.refDbias});
    checks.push_back({"dgate", &problem.refDgate});
  }
  bool ok = true;
  for (const Check &c : checks) {
    std::string message;
    double err = 0;
    bool pass = ref::checkClose(c.role, *tensors.at(c.role), *c.reference,
                                limit, message, &err);
    llvm::outs() << llvm::format("  %-6s rel err %.3e (limit %.0e) %s\n",
                                 c.role, err, limit, pass ? "ok" : "FAIL");
    if (!pass)
      llvm::outs() << "    " << message << "\n";
    ok &= pass;
  }
  llvm::outs() << (ok ? "PASS" : "FAIL") << "\n";
  return ok ? 0 : 1;
}
