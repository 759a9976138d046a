//===- MSAToGPU.cpp - Lower msa ops to GPU kernels and launches -*- C++ -*-===//
//
// Implements `convert-msa-to-gpu`: the kernels of each variant go into a
// gpu.module (ForwardKernels.cpp builds them), and each op becomes the
// host-side sequence the runtime also performs: allocate the scratch
// buffers, launch the kernels in order, free the scratch. Kernel arguments
// are matched to the kernels' parameters by name, as the runtime does.
//
//===----------------------------------------------------------------------===//

#include "msa/Conversion/MSAToGPU/MSAToGPU.h"

#include "msa/Conversion/LoopBuilder.h"
#include "msa/Conversion/MSAToGPU/ForwardKernels.h"
#include "msa/Dialect/MSA/IR/MSAOps.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/ErrorHandling.h"

namespace mlir {
namespace msa {
#define GEN_PASS_DEF_CONVERTMSATOGPU
#include "msa/Conversion/Passes.h.inc"
} // namespace msa
} // namespace mlir

using namespace mlir;
using namespace mlir::msa;

namespace {

Type elementTypeOf(Value v) {
  return cast<MemRefType>(v.getType()).getElementType();
}

/// Why the GPU kernels of `variant` cannot take these operands: `v` and the
/// operands that must have the data type, every operand's layout, v's
/// strides (16-byte copies) and the static launch limits.
std::string checkOperands(const ForwardVariant &variant, Value v,
                          ArrayRef<Value> dataTyped, ArrayRef<Value> all,
                          Value lse) {
  for (Value x : dataTyped)
    if (x && elementTypeOf(x) != variant.dataType)
      return dataTyped.size() > 3
                 ? "bias, dbias and masks must have the data type"
                 : "bias and masks must have the data type";
  for (Value x : all) {
    if (!x)
      continue;
    auto type = cast<MemRefType>(x.getType());
    SmallVector<int64_t> strides;
    int64_t offset;
    if (failed(type.getStridesAndOffset(strides, offset)) || offset != 0)
      return "operands must have a strided layout with a static zero offset";
    if (strides.back() != 1)
      return "the innermost dimension of every operand must be contiguous";
  }
  if (lse && !cast<MemRefType>(lse.getType()).getLayout().isIdentity())
    return "lse must be dense";
  // v is copied in 16-byte pieces: its strides over B, S, R, H must be
  // multiples of 16 bytes. Static strides are checked here; dynamic ones
  // (and the base address, 16-byte aligned by every allocator) are the
  // caller's precondition, as documented on the pass.
  auto vType = cast<MemRefType>(v.getType());
  SmallVector<int64_t> vStrides;
  int64_t vOffset;
  (void)vType.getStridesAndOffset(vStrides, vOffset);
  int64_t chunk = 16 / (vType.getElementTypeBitWidth() / 8);
  for (int64_t d = 0; d < 4; ++d)
    if (!ShapedType::isDynamic(vStrides[d]) && vStrides[d] % chunk != 0)
      return "the strides of 'v' over B, S, R, H must be multiples of 16 "
             "bytes, got " +
             std::to_string(vStrides[d]) + " elements for dimension " +
             std::to_string(d);
  // Launch limits (grid y and z), for the sizes known statically.
  auto known = [](int64_t x) { return !ShapedType::isDynamic(x); };
  ArrayRef<int64_t> shape = vType.getShape();
  ForwardTiles tiles = forwardTiles(variant);
  if (known(shape[0]) && shape[0] > 65535)
    return "B must be at most 65535";
  if (known(shape[2]) && (shape[2] + tiles.bm - 1) / tiles.bm > 65535)
    return "R is too large for the launch grid";
  if (known(shape[1]) &&
      (shape[1] * variant.headDim + tiles.bn - 1) / tiles.bn > 65535)
    return "S*C is too large for the launch grid";
  return "";
}

/// The variant for data `v` with `precision` on `chip`, or why none.
std::string variantOf(Value v, Precision precision, StringRef chip,
                      ForwardVariant &variant) {
  auto vType = cast<MemRefType>(v.getType());
  variant = ForwardVariant{vType.getElementType(), vType.getDimSize(4),
                           chip.str(), precision == Precision::tf32};
  if (ShapedType::isDynamic(variant.headDim))
    return "the head dimension C of 'v' must be static";
  return checkForwardVariant(variant);
}

} // namespace

std::string mlir::msa::gpuForwardVariantOf(PairWeightedAverageOp op,
                                           StringRef chip,
                                           ForwardVariant &variant) {
  if (std::string why = variantOf(op.getV(), op.getPrecision(), chip, variant);
      !why.empty())
    return why;
  return checkOperands(variant, op.getV(),
                       {op.getBias(), op.getPairMask(), op.getMsaMask()},
                       {op.getV(), op.getBias(), op.getGate(), op.getPairMask(),
                        op.getMsaMask(), op.getOut(), op.getLse()},
                       op.getLse());
}

std::string mlir::msa::gpuBackwardVariantOf(PairWeightedAverageGradOp op,
                                            StringRef chip,
                                            ForwardVariant &variant) {
  if (std::string why = variantOf(op.getV(), op.getPrecision(), chip, variant);
      !why.empty())
    return why;
  return checkOperands(
      variant, op.getV(),
      {op.getBias(), op.getPairMask(), op.getMsaMask(), op.getDbias()},
      {op.getDout(), op.getV(), op.getBias(), op.getGate(), op.getOut(),
       op.getLse(), op.getPairMask(), op.getMsaMask(), op.getDv(),
       op.getDbias(), op.getDgate()},
      op.getLse());
}

namespace {

/// Host code for one op: operands as the kernels take them, scratch
/// buffers, and launches whose arguments are looked up by parameter name.
class Launcher {
public:
  Launcher(Operation *op, gpu::GPUModuleOp gpuModule)
      : b(op), loc(op->getLoc()), lb(b, loc), gpuModule(gpuModule) {}

  /// Base pointer (as the kernels' memref<1xT>) and strides of a buffer.
  struct Operand {
    Value ptr;
    SmallVector<Value> strides;
  };
  Operand operand(Value v) {
    auto meta = memref::ExtractStridedMetadataOp::create(b, loc, v);
    return Operand{pointer(meta.getBaseBuffer(), elementTypeOf(v)),
                   SmallVector<Value>(meta.getStrides())};
  }
  /// An absent optional operand: `standIn`'s address (never read: its
  /// flag is 0) and zero strides.
  Operand absent(const Operand &standIn, int64_t rank) {
    return Operand{standIn.ptr, SmallVector<Value>(rank, lb.c0)};
  }
  Value pointer(Value buffer, Type element) {
    return memref::ReinterpretCastOp::create(
        b, loc, MemRefType::get({1}, element), buffer,
        OpFoldResult(b.getIndexAttr(0)),
        ArrayRef<OpFoldResult>{b.getIndexAttr(1)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
  }
  /// A device scratch buffer of `elements` elements, freed by freeScratch.
  Value scratch(Type element, Value elements) {
    Value buffer =
        gpu::AllocOp::create(
            b, loc, MemRefType::get({ShapedType::kDynamic}, element), Type(),
            ValueRange{}, ValueRange{elements}, ValueRange{}, UnitAttr())
            .getResult(0);
    scratchBuffers.push_back(buffer);
    return pointer(buffer, element);
  }
  void freeScratch() {
    for (Value buffer : scratchBuffers)
      gpu::DeallocOp::create(b, loc, Type(), ValueRange{}, buffer);
    scratchBuffers.clear();
  }

  /// table[prefix_stride_<dim>] = the operand's strides over `dims`.
  static void addStrides(llvm::StringMap<Value> &table, StringRef prefix,
                         const Operand &o, StringRef dims) {
    for (auto [d, name] : llvm::enumerate(dims))
      table[(prefix + "_stride_" + Twine(name)).str()] = o.strides[d];
  }

  /// Launches `info`'s kernel over `grid` with the table's values for its
  /// parameters, in the kernel's order.
  void launch(const KernelInfo &info, gpu::KernelDim3 grid,
              const llvm::StringMap<Value> &table) {
    SmallVector<Value> args;
    for (const KernelParam &p : info.params) {
      Value v = table.lookup(p.name);
      if (!v)
        llvm::report_fatal_error(llvm::Twine("no value for parameter '") +
                                 p.name + "' of kernel '" + info.entry + "'");
      args.push_back(v);
    }
    Value shared;
    if (info.dynamicSharedBytes)
      shared = arith::ConstantOp::create(
          b, loc, b.getI32IntegerAttr(int32_t(info.dynamicSharedBytes)));
    gpu::LaunchFuncOp::create(
        b, loc, gpuModule.lookupSymbol<gpu::GPUFuncOp>(info.entry), grid,
        gpu::KernelDim3{lb.idx(info.block[0]), lb.idx(info.block[1]),
                        lb.idx(info.block[2])},
        shared, args);
  }

  Value ceilDiv(Value x, int64_t d) {
    return lb.divui(lb.addi(x, lb.idx(d - 1)), lb.idx(d));
  }
  Value nonZero(Value x) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x, lb.c0);
  }

  OpBuilder b;
  Location loc;
  LoopBuilder lb;
  gpu::GPUModuleOp gpuModule;
  SmallVector<Value> scratchBuffers;
};

/// The sizes, Rp, and the probabilities kernel's table (bias, pair mask,
/// sizes, inf) shared by the forward and the backward.
struct Common {
  Value B, S, R, H, Rp;
  llvm::StringMap<Value> probs;
};

Common commonOf(Launcher &l, Value v, Value bias, Value pairMask,
                Attribute inf) {
  LoopBuilder &lb = l.lb;
  Common c;
  c.B = lb.dim(v, 0);
  c.S = lb.dim(v, 1);
  c.R = lb.dim(v, 2);
  c.H = lb.dim(v, 3);
  Value c8 = lb.idx(8);
  c.Rp = lb.muli(lb.divui(lb.addi(c.R, lb.idx(7)), c8), c8);
  Launcher::Operand biasOp = l.operand(bias);
  Launcher::Operand pm = pairMask ? l.operand(pairMask) : l.absent(biasOp, 3);
  c.probs = {{"bias", biasOp.ptr},
             {"pair_mask", pm.ptr},
             {"B", c.B},
             {"S", c.S},
             {"R", c.R},
             {"H", c.H},
             {"Rp", c.Rp},
             {"has_pair_mask", lb.idx(pairMask ? 1 : 0)},
             {"inf", arith::ConstantOp::create(
                         l.b, l.loc,
                         l.b.getF32FloatAttr(static_cast<float>(
                             cast<FloatAttr>(inf).getValueAsDouble())))}};
  Launcher::addStrides(c.probs, "bias", biasOp, "bijh");
  Launcher::addStrides(c.probs, "mask", pm, "bij");
  return c;
}

/// Copies the sizes of `from` into `to`.
void addSizes(llvm::StringMap<Value> &to, const llvm::StringMap<Value> &from) {
  for (StringRef name : {"B", "S", "R", "H", "Rp"})
    to[name] = from.lookup(name);
}

/// Lowers one fused forward op to the launches of its variant's kernels.
void lowerForward(PairWeightedAverageOp op, const ForwardVariant &variant,
                  gpu::GPUModuleOp gpuModule, ArrayRef<KernelInfo> kernels) {
  Launcher l(op, gpuModule);
  LoopBuilder &lb = l.lb;
  Common c =
      commonOf(l, op.getV(), op.getBias(), op.getPairMask(), op.getInfAttr());
  Launcher::Operand v = l.operand(op.getV()), gate = l.operand(op.getGate()),
                    out = l.operand(op.getOut());
  Launcher::Operand msaMask =
      op.getMsaMask() ? l.operand(op.getMsaMask()) : l.absent(v, 3);
  Value BH = lb.muli(c.B, c.H);
  lb.ifThen(lb.andi(l.nonZero(BH), l.nonZero(c.R)), [&] {
    Type T = variant.dataType;
    Value probs = l.scratch(T, lb.muli(lb.muli(BH, c.R), c.Rp));
    // Without an lse output the kernel gets a one-element stand-in that it
    // never writes (has_lse is 0).
    Value lse = op.getLse() ? l.operand(op.getLse()).ptr
                            : l.scratch(l.b.getF32Type(), lb.c1);
    c.probs["probs"] = probs;
    c.probs["lse"] = lse;
    c.probs["has_lse"] = lb.idx(op.getLse() ? 1 : 0);
    l.launch(kernels[0], gpu::KernelDim3{c.R, c.B, lb.c1}, c.probs);

    llvm::StringMap<Value> gemm = {
        {"probs", probs},   {"v", v.ptr},
        {"gate", gate.ptr}, {"msa_mask", msaMask.ptr},
        {"out", out.ptr},   {"has_msa_mask", lb.idx(op.getMsaMask() ? 1 : 0)}};
    addSizes(gemm, c.probs);
    Launcher::addStrides(gemm, "v", v, "bsjh");
    Launcher::addStrides(gemm, "gate", gate, "bsih");
    Launcher::addStrides(gemm, "out", out, "bsih");
    Launcher::addStrides(gemm, "mask", msaMask, "bsj");
    ForwardTiles tiles = forwardTiles(variant);
    lb.ifThen(l.nonZero(c.S), [&] {
      l.launch(kernels[1],
               gpu::KernelDim3{
                   lb.muli(c.B, l.ceilDiv(c.H, tiles.heads)),
                   l.ceilDiv(c.R, tiles.bm),
                   l.ceilDiv(lb.muli(c.S, lb.idx(variant.headDim)), tiles.bn)},
               gemm);
    });
    l.freeScratch();
  });
  op.erase();
}

/// Lowers one backward op to the launches of its variant's kernels: probs,
/// prep, dv (skipped when S is 0: dv is empty), dbias (0 when S is 0).
void lowerBackward(PairWeightedAverageGradOp op, const ForwardVariant &variant,
                   gpu::GPUModuleOp gpuModule, ArrayRef<KernelInfo> kernels) {
  Launcher l(op, gpuModule);
  LoopBuilder &lb = l.lb;
  Common c =
      commonOf(l, op.getV(), op.getBias(), op.getPairMask(), op.getInfAttr());
  Launcher::Operand v = l.operand(op.getV()), gate = l.operand(op.getGate()),
                    out = l.operand(op.getOut()),
                    dout = l.operand(op.getDout()), dv = l.operand(op.getDv()),
                    dbias = l.operand(op.getDbias()),
                    dgate = l.operand(op.getDgate());
  Launcher::Operand msaMask =
      op.getMsaMask() ? l.operand(op.getMsaMask()) : l.absent(v, 3);
  Value BH = lb.muli(c.B, c.H);
  lb.ifThen(lb.andi(l.nonZero(BH), l.nonZero(c.R)), [&] {
    Type T = variant.dataType;
    Value C = lb.idx(variant.headDim);
    Value probs = l.scratch(T, lb.muli(lb.muli(BH, c.R), c.Rp));
    Value dop = l.scratch(T, lb.muli(lb.muli(lb.muli(BH, c.S), c.R), C));
    Value delta = l.scratch(l.b.getF32Type(), lb.muli(BH, c.R));
    // The statistics are recomputed; lse is not written (has_lse is 0).
    c.probs["probs"] = probs;
    c.probs["lse"] = l.operand(op.getLse()).ptr;
    c.probs["has_lse"] = lb.c0;
    l.launch(kernels[0], gpu::KernelDim3{c.R, c.B, lb.c1}, c.probs);

    llvm::StringMap<Value> prep = {{"dout", dout.ptr},   {"gate", gate.ptr},
                                   {"out", out.ptr},     {"dop", dop},
                                   {"dgate", dgate.ptr}, {"delta", delta}};
    addSizes(prep, c.probs);
    for (auto [name, o] :
         {std::pair<StringRef, Launcher::Operand *>{"dout", &dout},
          {"gate", &gate},
          {"out", &out},
          {"dgate", &dgate}})
      Launcher::addStrides(prep, name, *o, "bsih");
    l.launch(kernels[1], gpu::KernelDim3{c.R, c.B, lb.c1}, prep);

    Value hasMsaMask = lb.idx(op.getMsaMask() ? 1 : 0);
    llvm::StringMap<Value> dvTable = {{"probs", probs},
                                      {"dop", dop},
                                      {"msa_mask", msaMask.ptr},
                                      {"dv", dv.ptr},
                                      {"has_msa_mask", hasMsaMask}};
    addSizes(dvTable, c.probs);
    Launcher::addStrides(dvTable, "dv", dv, "bsjh");
    Launcher::addStrides(dvTable, "mask", msaMask, "bsj");
    ForwardTiles tiles = forwardTiles(variant);
    lb.ifThen(l.nonZero(c.S), [&] {
      l.launch(kernels[2],
               gpu::KernelDim3{lb.muli(c.B, l.ceilDiv(c.H, tiles.heads)),
                               l.ceilDiv(c.R, tiles.bm),
                               l.ceilDiv(lb.muli(c.S, C), tiles.bn)},
               dvTable);
    });

    llvm::StringMap<Value> dbiasTable = {{"probs", probs},
                                         {"delta", delta},
                                         {"dop", dop},
                                         {"v", v.ptr},
                                         {"msa_mask", msaMask.ptr},
                                         {"dbias", dbias.ptr},
                                         {"has_msa_mask", hasMsaMask}};
    addSizes(dbiasTable, c.probs);
    Launcher::addStrides(dbiasTable, "v", v, "bsjh");
    Launcher::addStrides(dbiasTable, "mask", msaMask, "bsj");
    Launcher::addStrides(dbiasTable, "dbias", dbias, "bijh");
    int64_t dbiasTile = dbiasTileSize();
    l.launch(kernels[3],
             gpu::KernelDim3{BH, l.ceilDiv(c.R, dbiasTile),
                             l.ceilDiv(c.R, dbiasTile)},
             dbiasTable);
    l.freeScratch();
  });
  op.erase();
}

struct ConvertMSAToGPUPass
    : msa::impl::ConvertMSAToGPUBase<ConvertMSAToGPUPass> {
  using Base::Base;

  /// The gpu.module `name` (built once per module by `build`) and its
  /// kernels' descriptions.
  template <typename BuildFn>
  gpu::GPUModuleOp kernelsFor(ModuleOp module, StringRef name,
                              const ForwardVariant &variant, BuildFn build,
                              std::vector<KernelInfo> &kernels) {
    auto gpuModule = module.lookupSymbol<gpu::GPUModuleOp>(name);
    if (!gpuModule) {
      kernels = build(module, variant);
      return module.lookupSymbol<gpu::GPUModuleOp>(name);
    }
    // Same variant, same kernels: rebuild only their descriptions.
    OwningOpRef<ModuleOp> scratch = ModuleOp::create(module.getLoc());
    kernels = build(*scratch, variant);
    return gpuModule;
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<Operation *> ops;
    module.walk([&](Operation *op) {
      if (isa<PairWeightedAverageOp, PairWeightedAverageGradOp>(op))
        ops.push_back(op);
    });
    bool failed = false;
    for (Operation *op : ops) {
      ForwardVariant variant;
      std::vector<KernelInfo> kernels;
      if (auto fwd = dyn_cast<PairWeightedAverageOp>(op)) {
        if (std::string why = gpuForwardVariantOf(fwd, chip, variant);
            !why.empty()) {
          op->emitOpError("cannot be lowered to the GPU kernels: ") << why;
          failed = true;
          continue;
        }
        gpu::GPUModuleOp gm = kernelsFor(module, variant.name(), variant,
                                         buildForwardKernels, kernels);
        lowerForward(fwd, variant, gm, kernels);
        continue;
      }
      auto grad = cast<PairWeightedAverageGradOp>(op);
      if (std::string why = gpuBackwardVariantOf(grad, chip, variant);
          !why.empty()) {
        op->emitOpError("cannot be lowered to the GPU kernels: ") << why;
        failed = true;
        continue;
      }
      gpu::GPUModuleOp gm = kernelsFor(module, backwardVariantName(variant),
                                       variant, buildBackwardKernels, kernels);
      lowerBackward(grad, variant, gm, kernels);
    }
    if (failed)
      signalPassFailure();
  }
};

} // namespace
