//===- CPUPathTests.cpp - The CPU execution path vs the reference ---------===//
//
// Runs msa.pair_weighted_average and msa.pair_weighted_average_grad through
// msa-cpu-pipeline and the JIT on fresh random inputs (NaN-poisoned outputs,
// odd sizes, masks with fully masked rows, every dtype) and checks every
// output against the float64 reference. One dynamically shaped module per
// (dtype, masks) serves every size, as the GPU kernels will.
//
//===----------------------------------------------------------------------===//

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "msa/ExecutionEngine/CPURunner.h"
#include "msa/Reference/Problem.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <sstream>
#include <tuple>

namespace ref = ::msa::reference;
using mlir::msa::CPUExecutable;
using mlir::msa::HostMemRef;

namespace {

const char *mlirType(ref::ElementType t) { return ref::name(t); }

/// Forward and backward functions over dynamically shaped memrefs.
std::string makeModule(ref::ElementType dtype, bool pairMask, bool msaMask,
                       double inf) {
  std::string T = mlirType(dtype);
  std::string msa = "memref<?x?x?x?x?x" + T + ">";
  std::string pair = "memref<?x?x?x?x" + T + ">";
  std::string mask = "memref<?x?x?x" + T + ">";
  std::string lse = "memref<?x?x?xf32>";
  std::ostringstream os;
  os.precision(17);
  std::string attrs = "{inf = " + std::to_string(inf) + " : f64}";
  std::string maskArgs, maskOperands;
  if (pairMask) {
    maskArgs += ", %pm: " + mask;
    maskOperands += " pair_mask(%pm : " + mask + ")";
  }
  if (msaMask) {
    maskArgs += ", %mm: " + mask;
    maskOperands += " msa_mask(%mm : " + mask + ")";
  }
  os << "func.func @fwd(%v: " << msa << ", %bias: " << pair << ", %g: " << msa
     << maskArgs << ", %out: " << msa << ", %lse: " << lse << ") {\n"
     << "  msa.pair_weighted_average v(%v : " << msa
     << ") bias(%bias : " << pair << ") gate(%g : " << msa << ")"
     << maskOperands << " out(%out : " << msa << ") lse(%lse : " << lse << ") "
     << attrs << "\n  return\n}\n";
  os << "func.func @bwd(%dout: " << msa << ", %v: " << msa
     << ", %bias: " << pair << ", %g: " << msa << ", %out: " << msa
     << ", %lse: " << lse << maskArgs << ", %dv: " << msa
     << ", %dbias: " << pair << ", %dg: " << msa << ") {\n"
     << "  msa.pair_weighted_average_grad dout(%dout : " << msa
     << ") v(%v : " << msa << ") bias(%bias : " << pair << ") gate(%g : " << msa
     << ") out(%out : " << msa << ") lse(%lse : " << lse << ")" << maskOperands
     << " dv(%dv : " << msa << ") dbias(%dbias : " << pair
     << ") dgate(%dg : " << msa << ") " << attrs << "\n  return\n}\n";
  return os.str();
}

using ExecutableCache = std::map<std::tuple<int, bool, bool, double>,
                                 std::unique_ptr<CPUExecutable>>;
ExecutableCache &executableCache() {
  static ExecutableCache cache;
  return cache;
}

/// Releases the JIT-compiled modules after the last test, while LLVM's own
/// static state is still alive (destroying them during static destruction
/// makes the JIT's shutdown report errors).
struct ExecutableCacheEnvironment : testing::Environment {
  void TearDown() override { executableCache().clear(); }
};
[[maybe_unused]] testing::Environment *const cacheEnvironment =
    testing::AddGlobalTestEnvironment(new ExecutableCacheEnvironment);

/// JIT-compiled modules, one per (dtype, pair mask, msa mask), compiled once.
CPUExecutable &executableFor(ref::ElementType dtype, bool pairMask,
                             bool msaMask, double inf) {
  static mlir::MLIRContext *context = [] {
    mlir::DialectRegistry registry;
    mlir::msa::registerCPURunnerDialects(registry);
    auto *ctx = new mlir::MLIRContext(registry);
    ctx->loadAllAvailableDialects();
    return ctx;
  }();
  ExecutableCache &cache = executableCache();
  auto key = std::make_tuple(static_cast<int>(dtype), pairMask, msaMask, inf);
  auto it = cache.find(key);
  if (it != cache.end())
    return *it->second;
  std::string source = makeModule(dtype, pairMask, msaMask, inf);
  auto module = mlir::parseSourceString<mlir::ModuleOp>(source, context);
  EXPECT_TRUE(module) << source;
  auto exe = CPUExecutable::create(*module);
  if (!exe) {
    ADD_FAILURE() << llvm::toString(exe.takeError()) << "\n" << source;
    std::abort();
  }
  return *cache.emplace(key, std::move(*exe)).first->second;
}

HostMemRef arg(ref::Tensor &t) { return {t.data(), t.shape}; }

struct Case {
  ref::ElementType dtype;
  int64_t C, R, S;
  bool pairMask, msaMask;
};

std::string caseName(const testing::TestParamInfo<Case> &info) {
  const Case &c = info.param;
  return std::string(ref::name(c.dtype)) + "_C" + std::to_string(c.C) + "_R" +
         std::to_string(c.R) + "_S" + std::to_string(c.S) +
         (c.pairMask ? "_pairmask" : "") + (c.msaMask ? "_msamask" : "");
}

class CPUPathTest : public testing::TestWithParam<Case> {};

TEST_P(CPUPathTest, ForwardAndBackwardMatchReference) {
  const Case &c = GetParam();
  ref::ProblemConfig config;
  config.shape = {/*B=*/2, c.S, c.R, /*H=*/3, c.C};
  config.dtype = c.dtype;
  config.biasType = c.dtype;
  config.pairMask = c.pairMask;
  config.msaMask = c.msaMask;
  config.inf = 1e9;
  config.seed = 1000 + c.C * 7 + c.R * 131 + c.S * 17 + c.pairMask +
                2 * c.msaMask + 5 * static_cast<int>(c.dtype);
  ref::Problem p(config);
  p.computeBackward();
  CPUExecutable &exe =
      executableFor(c.dtype, c.pairMask, c.msaMask, config.inf);
  double limit = ref::tolerance(c.dtype);
  SCOPED_TRACE(p.describe());

  std::vector<HostMemRef> fwd = {arg(p.v), arg(p.bias), arg(p.gate)};
  if (c.pairMask)
    fwd.push_back(arg(p.pairMask));
  if (c.msaMask)
    fwd.push_back(arg(p.msaMask));
  fwd.push_back(arg(p.out));
  fwd.push_back(arg(p.lse));
  ASSERT_FALSE(static_cast<bool>(exe.invoke("fwd", fwd)));
  std::string message;
  EXPECT_TRUE(ref::checkClose("out", p.out, p.refOut, limit, message))
      << message;
  EXPECT_TRUE(ref::checkClose("lse", p.lse, p.refLse, 1e-5, message))
      << message;

  // The gradient reads the forward's own results, as in training.
  std::vector<HostMemRef> bwd = {arg(p.dout), arg(p.v),   arg(p.bias),
                                 arg(p.gate), arg(p.out), arg(p.lse)};
  if (c.pairMask)
    bwd.push_back(arg(p.pairMask));
  if (c.msaMask)
    bwd.push_back(arg(p.msaMask));
  bwd.push_back(arg(p.dv));
  bwd.push_back(arg(p.dbias));
  bwd.push_back(arg(p.dgate));
  ASSERT_FALSE(static_cast<bool>(exe.invoke("bwd", bwd)));
  EXPECT_TRUE(ref::checkClose("dv", p.dv, p.refDv, limit, message)) << message;
  // With R = 1, dbias is exactly 0 (dW = D), so its error is measured
  // against the size of the terms that cancel.
  double dbiasScale = c.R == 1 ? p.dbiasTermsNorm() : 0.0;
  EXPECT_TRUE(ref::checkClose("dbias", p.dbias, p.refDbias, limit, message,
                              nullptr, dbiasScale))
      << message;
  EXPECT_TRUE(ref::checkClose("dgate", p.dgate, p.refDgate, limit, message))
      << message;
}

std::vector<Case> grid() {
  std::vector<Case> cases;
  for (ref::ElementType dtype :
       {ref::ElementType::BF16, ref::ElementType::F16, ref::ElementType::F32})
    for (int64_t C : {8, 16, 32, 64})
      for (int64_t R : {1, 7, 33})
        for (int64_t S : {1, 5})
          for (int masks = 0; masks < 4; ++masks)
            cases.push_back({dtype, C, R, S, bool(masks & 1), bool(masks & 2)});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Grid, CPUPathTest, testing::ValuesIn(grid()),
                         caseName);

TEST(CPUPathEdgeTest, EmptySizesWriteNothing) {
  ref::ProblemConfig config;
  config.shape = {2, 0, 7, 3, 8}; // S = 0: out is empty, lse is not.
  config.dtype = ref::ElementType::F32;
  config.pairMask = true;
  ref::Problem p(config);
  CPUExecutable &exe = executableFor(config.dtype, true, false, config.inf);
  ASSERT_FALSE(static_cast<bool>(
      exe.invoke("fwd", {arg(p.v), arg(p.bias), arg(p.gate), arg(p.pairMask),
                         arg(p.out), arg(p.lse)})));
  std::string message;
  EXPECT_TRUE(ref::checkClose("lse", p.lse, p.refLse, 1e-5, message))
      << message;
}

TEST(CPUPathEdgeTest, RejectsWrongArguments) {
  CPUExecutable &exe = executableFor(ref::ElementType::F32, false, false, 1e9);
  ref::ProblemConfig config;
  config.shape = {1, 1, 2, 1, 8};
  ref::Problem p(config);
  llvm::Error tooFew = exe.invoke("fwd", {arg(p.v)});
  ASSERT_TRUE(static_cast<bool>(tooFew));
  EXPECT_EQ(llvm::toString(std::move(tooFew)),
            "function 'fwd' takes 5 arguments, got 1");
  llvm::Error unknown = exe.invoke("nope", {});
  ASSERT_TRUE(static_cast<bool>(unknown));
  EXPECT_EQ(llvm::toString(std::move(unknown)), "no public function 'nope'");
  HostMemRef flat{p.v.data(), {p.v.numElements()}};
  llvm::Error rank = exe.invoke(
      "fwd", {flat, arg(p.bias), arg(p.gate), arg(p.out), arg(p.lse)});
  ASSERT_TRUE(static_cast<bool>(rank));
  EXPECT_EQ(llvm::toString(std::move(rank)),
            "argument 0 of 'fwd' has rank 1, expected 5");
}

/// A chain that cannot be fused (its weights are also a function result)
/// runs through the unfused lowerings; both the weights and the output must
/// match the reference.
TEST(CPUPathUnfusedTest, UnfusedChainMatchesReference) {
  const char *source = R"mlir(
    func.func @chain(%v: memref<2x5x7x3x8xf32>, %bias: memref<2x7x7x3xf32>,
                     %g: memref<2x5x7x3x8xf32>, %pm: memref<2x7x7xf32>,
                     %mm: memref<2x5x7xf32>, %out: memref<2x5x7x3x8xf32>,
                     %w_out: memref<2x7x7x3xf32>) {
      %w = memref.alloc() : memref<2x7x7x3xf32>
      msa.masked_softmax bias(%bias : memref<2x7x7x3xf32>)
          pair_mask(%pm : memref<2x7x7xf32>) weights(%w : memref<2x7x7x3xf32>)
      %o = memref.alloc() : memref<2x5x7x3x8xf32>
      msa.weighted_sum weights(%w : memref<2x7x7x3xf32>)
          v(%v : memref<2x5x7x3x8xf32>) msa_mask(%mm : memref<2x5x7xf32>)
          out(%o : memref<2x5x7x3x8xf32>)
      memref.copy %w, %w_out : memref<2x7x7x3xf32> to memref<2x7x7x3xf32>
      msa.sigmoid_gate input(%o : memref<2x5x7x3x8xf32>)
          gate(%g : memref<2x5x7x3x8xf32>) out(%out : memref<2x5x7x3x8xf32>)
      memref.dealloc %o : memref<2x5x7x3x8xf32>
      memref.dealloc %w : memref<2x7x7x3xf32>
      return
    })mlir";
  mlir::DialectRegistry registry;
  mlir::msa::registerCPURunnerDialects(registry);
  mlir::MLIRContext context(registry);
  // The fusion pass explains with a remark why it leaves this chain alone.
  std::string remarks;
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
    remarks += d.str();
    return mlir::success();
  });
  auto module = mlir::parseSourceString<mlir::ModuleOp>(source, &context);
  ASSERT_TRUE(module);
  auto exe = CPUExecutable::create(*module);
  ASSERT_TRUE(static_cast<bool>(exe)) << llvm::toString(exe.takeError());
  EXPECT_NE(remarks.find("not fused: intermediate 'weights' buffer has another "
                         "user ('memref.copy')"),
            std::string::npos)
      << remarks;

  ref::ProblemConfig config;
  config.shape = {2, 5, 7, 3, 8};
  config.pairMask = config.msaMask = true;
  ref::Problem p(config);
  ref::Tensor w(ref::ElementType::F32, {2, 7, 7, 3});
  w.poison();
  ASSERT_FALSE(static_cast<bool>((*exe)->invoke(
      "chain", {arg(p.v), arg(p.bias), arg(p.gate), arg(p.pairMask),
                arg(p.msaMask), arg(p.out), arg(w)})));
  std::vector<double> refW(config.shape.numBias());
  ASSERT_TRUE(
      ref::weights(config.shape, p.referenceInputs(), refW.data(), nullptr));
  std::string message;
  EXPECT_TRUE(ref::checkClose("weights", w, refW, 1e-6, message)) << message;
  EXPECT_TRUE(ref::checkClose("out", p.out, p.refOut, 1e-5, message))
      << message;
}

} // namespace
