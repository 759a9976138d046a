//===- msa-codegen.cpp - Generate GPU kernels for the msa ops ---*- C++ -*-===//
//
// Writes, for each requested kernel variant, DIR/<variant>.ptx (PTX from
// LLVM's NVPTX back end) and DIR/<variant>.json (entry names, parameter ABI,
// block and grid rules, shared memory, tiles, chip and dtype) for the
// runtime. Variants come from flags (--op/--dtype/--head-dim/--chip), from
// --all (both ops), or from the msa.pair_weighted_average(_grad) ops of an
// input file.
// Unsupported combinations get a clear error and a non-zero exit; nothing is
// written then.
//
//===----------------------------------------------------------------------===//

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "msa/Conversion/MSAToGPU/ForwardKernels.h"
#include "msa/Conversion/MSAToGPU/MSAToGPU.h"
#include "msa/Dialect/MSA/IR/MSAOps.h"
#include "msa/InitAll.h"
#include "msa/Target/PTX/PTXEmitter.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
namespace cl = llvm::cl;

static cl::opt<std::string> inputFile(cl::Positional, cl::desc("[input.mlir]"),
                                      cl::init(""));
static cl::opt<std::string> outputDir("o", cl::desc("Output directory"),
                                      cl::value_desc("DIR"));
static cl::opt<std::string> opName("op", cl::desc("forward | backward"),
                                   cl::init("forward"));
static cl::opt<std::string> dtypeName("dtype", cl::desc("bf16 | f16 | f32"),
                                      cl::init(""));
static cl::opt<std::string> precisionName("precision",
                                          cl::desc("ieee | tf32 (f32 only)"),
                                          cl::init("ieee"));
static cl::opt<int64_t> headDim("head-dim", cl::desc("C: 8, 16, 32 or 64"),
                                cl::init(0));
static cl::opt<std::string> chip("chip", cl::desc("sm_80 | sm_90a"),
                                 cl::init(""));
static cl::opt<bool> all("all", cl::desc("Every supported variant"),
                         cl::init(false));
static cl::opt<std::string> mmaName(
    "mma",
    cl::desc("sync | wgmma: the forward GEMM's tensor-core instructions "
             "(wgmma: sm_90a, bf16/f16; with --all, those variants)"),
    cl::init("sync"));
static cl::opt<bool> emitMLIR(
    "emit-mlir",
    cl::desc("Print the kernels' gpu.module IR (before NVVM lowering) to "
             "stdout instead of writing files"),
    cl::init(false));
static cl::opt<std::string> toolkit("cuda-path",
                                    cl::desc("CUDA toolkit (for libdevice)"),
                                    cl::init("/usr/local/cuda"));

namespace {

int fail(const llvm::Twine &message) {
  llvm::errs() << "msa-codegen: error: " << message << "\n";
  return 1;
}

std::string dtypeOf(Type t) {
  return t.isBF16() ? "bf16" : t.isF16() ? "f16" : t.isF32() ? "f32" : "?";
}

/// A kernel set to generate: the forward's or the backward's for a variant.
struct Job {
  msa::ForwardVariant variant;
  bool backward = false;
  std::string name() const {
    return backward ? msa::backwardVariantName(variant) : variant.name();
  }
};

/// The variant named by the flags, or why there is none.
std::string variantFromFlags(MLIRContext &ctx, msa::ForwardVariant &variant) {
  if (opName != "forward" && opName != "backward")
    return "--op must be 'forward' or 'backward', got '" + opName + "'";
  if (precisionName != "ieee" && precisionName != "tf32")
    return "--precision must be ieee or tf32, got '" + precisionName + "'";
  if (dtypeName == "bf16")
    variant.dataType = BFloat16Type::get(&ctx);
  else if (dtypeName == "f16")
    variant.dataType = Float16Type::get(&ctx);
  else if (dtypeName == "f32")
    variant.dataType = Float32Type::get(&ctx);
  else
    return "--dtype must be bf16, f16 or f32, got '" + dtypeName + "'";
  if (precisionName != "ieee" && !variant.dataType.isF32())
    return "--precision=" + precisionName + " applies only to f32";
  variant.tf32 = precisionName == "tf32";
  variant.headDim = headDim;
  variant.chip = chip;
  variant.wgmma = mmaName == "wgmma";
  if (variant.wgmma && opName == "backward")
    return "--mma=wgmma applies to the forward";
  return msa::checkForwardVariant(variant);
}

llvm::json::Value describe(const Job &job,
                           const std::vector<msa::KernelInfo> &kernels) {
  const msa::ForwardVariant &variant = job.variant;
  llvm::json::Array list;
  for (const msa::KernelInfo &k : kernels) {
    llvm::json::Array params;
    for (const msa::KernelParam &p : k.params)
      params.push_back(llvm::json::Object{{"name", p.name}, {"type", p.type}});
    list.push_back(llvm::json::Object{
        {"entry", k.entry},
        {"params", std::move(params)},
        {"block", llvm::json::Array{k.block[0], k.block[1], k.block[2]}},
        {"dynamic_shared_bytes", k.dynamicSharedBytes},
        {"grid", llvm::json::Array{k.grid[0], k.grid[1], k.grid[2]}}});
  }
  msa::ForwardTiles tiles = msa::forwardTiles(variant);
  std::string dtype = dtypeOf(variant.dataType);
  llvm::json::Array scratch{llvm::json::Object{
      {"name", "probs"},
      {"elements", "B*H*R*Rp"},
      {"dtype", dtype},
      {"note", job.backward ? "Rp = roundup(R, 8); written by kernel 0, "
                              "read by kernels 2 and 3"
                            : "Rp = roundup(R, 8); written by kernel 0, "
                              "read by kernel 1"}}};
  if (job.backward) {
    scratch.push_back(llvm::json::Object{
        {"name", "dop"},
        {"elements", "B*S*R*H*C"},
        {"dtype", dtype},
        {"note", "dout * sigmoid(gate), dense [B, S, R, H, C], 16-byte "
                 "aligned; written by kernel 1, read by kernels 2 and 3"}});
    scratch.push_back(llvm::json::Object{
        {"name", "delta"},
        {"elements", "B*H*R"},
        {"dtype", "f32"},
        {"note", "sum over s, c of dout * out; written by kernel 1, read "
                 "by kernel 3"}});
  }
  return llvm::json::Object{
      {"name", job.name()},
      {"op", job.backward ? "backward" : "forward"},
      {"dtype", dtypeOf(variant.dataType)},
      {"precision", variant.tf32 ? "tf32" : "ieee"},
      {"head_dim", variant.headDim},
      {"chip", variant.chip},
      {"mma", variant.wgmma ? "wgmma" : "mma.sync"},
      {"tiles", llvm::json::Object{{"bm", tiles.bm},
                                   {"bn", tiles.bn},
                                   {"bk", tiles.bk},
                                   {"heads", tiles.heads}}},
      {"scratch", std::move(scratch)},
      {"kernels", std::move(list)}};
}

/// A generated file, written only once every variant has succeeded.
struct OutputFile {
  std::string path, text;
};

/// Generates one variant: prints its IR with --emit-mlir, otherwise adds its
/// PTX and JSON to `files`.
int generate(MLIRContext &ctx, const Job &job, std::vector<OutputFile> &files) {
  OwningOpRef<ModuleOp> module = ModuleOp::create(UnknownLoc::get(&ctx));
  std::vector<msa::KernelInfo> kernels =
      job.backward ? msa::buildBackwardKernels(*module, job.variant)
                   : msa::buildForwardKernels(*module, job.variant);
  if (failed(verify(*module)))
    return fail("the generated kernels for " + job.name() + " do not verify");
  if (emitMLIR) {
    module->print(llvm::outs());
    llvm::outs() << "\n";
    return 0;
  }
  auto gpuModule = *module->getOps<gpu::GPUModuleOp>().begin();
  llvm::Expected<std::string> ptx = msa::emitPTX(gpuModule, toolkit);
  if (!ptx)
    return fail(llvm::toString(ptx.takeError()));
  std::string base = (llvm::Twine(outputDir) + "/" + job.name()).str();
  files.push_back({base + ".ptx", *ptx});
  files.push_back(
      {base + ".json",
       llvm::formatv("{0:2}", describe(job, kernels)).str() + "\n"});
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(
      argc, argv,
      "msa-codegen: generate PTX kernels and their launch metadata\n");

  DialectRegistry registry;
  msa::registerAllDialects(registry);
  msa::registerPTXEmitterDialects(registry);
  MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();
  ctx.printOpOnDiagnostic(false);

  if (mmaName != "sync" && mmaName != "wgmma")
    return fail("--mma must be sync or wgmma, got '" + mmaName + "'");
  std::vector<Job> jobs;
  int modes = int(all) + int(!inputFile.empty()) + int(!dtypeName.empty());
  if (modes != 1)
    return fail("give exactly one of: --all, an input file, or "
                "--dtype/--head-dim/--chip");
  if (all) {
    for (Type t : {Type(BFloat16Type::get(&ctx)), Type(Float16Type::get(&ctx)),
                   Type(Float32Type::get(&ctx))})
      for (bool tf32 : {false, true})
        for (int64_t c : {8, 16, 32, 64})
          for (const char *sm : {"sm_80", "sm_90a"})
            for (bool backward : {false, true})
              if (!tf32 || t.isF32())
                jobs.push_back({{t, c, sm, tf32,
                                 mmaName == "wgmma" && !backward &&
                                     !t.isF32() && StringRef(sm) == "sm_90a"},
                                backward});
  } else if (!dtypeName.empty()) {
    msa::ForwardVariant variant;
    if (std::string why = variantFromFlags(ctx, variant); !why.empty())
      return fail(why);
    jobs.push_back({variant, opName == "backward"});
  } else {
    if (chip.empty())
      return fail("--chip is required with an input file");
    llvm::SourceMgr sourceMgr;
    std::string error;
    auto file = openInputFile(inputFile, &error);
    if (!file)
      return fail(error);
    sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
    SourceMgrDiagnosticHandler handler(sourceMgr, &ctx);
    OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &ctx);
    if (!module)
      return fail("could not parse '" + inputFile + "'");
    std::string why;
    module->walk([&](Operation *op) {
      if (!why.empty())
        return;
      Job job;
      if (auto fwd = dyn_cast<msa::PairWeightedAverageOp>(op)) {
        why = msa::gpuForwardVariantOf(fwd, chip, job.variant);
        job.variant.wgmma = mmaName == "wgmma";
        if (why.empty())
          why = msa::checkForwardVariant(job.variant);
      } else if (auto grad = dyn_cast<msa::PairWeightedAverageGradOp>(op)) {
        why = msa::gpuBackwardVariantOf(grad, chip, job.variant);
        job.backward = true;
        if (why.empty() && mmaName == "wgmma")
          why = "--mma=wgmma applies to the forward";
      } else {
        return;
      }
      if (!why.empty())
        return;
      for (const Job &seen : jobs)
        if (seen.name() == job.name())
          return;
      jobs.push_back(job);
    });
    if (!why.empty())
      return fail(why);
    if (jobs.empty())
      return fail("no msa.pair_weighted_average or "
                  "msa.pair_weighted_average_grad in '" +
                  inputFile + "'");
  }

  if (!emitMLIR) {
    if (outputDir.empty())
      return fail("-o DIR is required");
    if (std::error_code ec = llvm::sys::fs::create_directories(outputDir))
      return fail("cannot create '" + outputDir + "': " + ec.message());
  }
  std::vector<OutputFile> files;
  for (const Job &job : jobs)
    if (int rc = generate(ctx, job, files))
      return rc;
  std::string error;
  for (const OutputFile &f : files) {
    auto file = openOutputFile(f.path, &error);
    if (!file)
      return fail(error);
    file->os() << f.text;
    file->keep();
    llvm::outs() << "wrote " << f.path << "\n";
  }
  return 0;
}
