//===- MSAToGPU.cpp - Lower msa ops to GPU kernels and launches -*- C++ -*-===//
//
// Implements `convert-msa-to-gpu`: the forward kernels of each variant go
// into a gpu.module (ForwardKernels.cpp builds them), and each fused op
// becomes the host-side sequence the runtime also performs: allocate P,
// launch the probabilities kernel, launch the GEMM, free P.
//
//===----------------------------------------------------------------------===//

#include "msa/Conversion/MSAToGPU/MSAToGPU.h"

#include "msa/Conversion/LoopBuilder.h"
#include "msa/Conversion/MSAToGPU/ForwardKernels.h"
#include "msa/Dialect/MSA/IR/MSAOps.h"

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

} // namespace

std::string mlir::msa::gpuBackwardVariantOf(PairWeightedAverageGradOp op,
                                            StringRef chip,
                                            ForwardVariant &variant) {
  auto vType = cast<MemRefType>(op.getV().getType());
  variant = ForwardVariant{vType.getElementType(), vType.getDimSize(4),
                           chip.str(), op.getPrecision() == Precision::tf32};
  if (ShapedType::isDynamic(variant.headDim))
    return "the head dimension C of 'v' must be static";
  if (std::string why = checkForwardVariant(variant); !why.empty())
    return why;
  for (Value v :
       {op.getBias(), op.getPairMask(), op.getMsaMask(), op.getDbias()})
    if (v && elementTypeOf(v) != variant.dataType)
      return "bias, dbias and masks must have the data type";
  return "";
}

std::string mlir::msa::gpuForwardVariantOf(PairWeightedAverageOp op,
                                           StringRef chip,
                                           ForwardVariant &variant) {
  auto vType = cast<MemRefType>(op.getV().getType());
  variant = ForwardVariant{vType.getElementType(), vType.getDimSize(4),
                           chip.str(), op.getPrecision() == Precision::tf32};
  if (ShapedType::isDynamic(variant.headDim))
    return "the head dimension C of 'v' must be static";
  if (std::string why = checkForwardVariant(variant); !why.empty())
    return why;
  for (Value v : {op.getBias(), op.getPairMask(), op.getMsaMask()})
    if (v && elementTypeOf(v) != variant.dataType)
      return "bias and masks must have the data type";
  for (Value v : {op.getV(), op.getBias(), op.getGate(), op.getPairMask(),
                  op.getMsaMask(), op.getOut(), op.getLse()}) {
    if (!v)
      continue;
    auto type = cast<MemRefType>(v.getType());
    SmallVector<int64_t> strides;
    int64_t offset;
    if (failed(type.getStridesAndOffset(strides, offset)) || offset != 0)
      return "operands must have a strided layout with a static zero offset";
    if (strides.back() != 1)
      return "the innermost dimension of every operand must be contiguous";
  }
  if (op.getLse() &&
      !cast<MemRefType>(op.getLse().getType()).getLayout().isIdentity())
    return "lse must be dense";
  // v is copied in 16-byte pieces: its strides over B, S, R, H must be
  // multiples of 16 bytes. Static strides are checked here; dynamic ones
  // (and the base address, 16-byte aligned by every allocator) are the
  // caller's precondition, as documented on the pass.
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

namespace {

/// Lowers one fused op to the launches of `variant`'s kernels.
void lowerToLaunches(PairWeightedAverageOp op, const ForwardVariant &variant,
                     gpu::GPUModuleOp gpuModule, ArrayRef<KernelInfo> kernels) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  LoopBuilder lb(b, loc);
  Type T = variant.dataType;
  auto ptrType = [&](Type t) { return MemRefType::get({1}, t); };

  /// Base pointer (as the kernels' memref<1xT>) and strides of `v`.
  struct Operand {
    Value ptr;
    SmallVector<Value> strides;
  };
  auto operand = [&](Value v) {
    auto meta = memref::ExtractStridedMetadataOp::create(b, loc, v);
    Value base = meta.getBaseBuffer();
    Value ptr = memref::ReinterpretCastOp::create(
        b, loc, ptrType(elementTypeOf(v)), base,
        OpFoldResult(b.getIndexAttr(0)),
        ArrayRef<OpFoldResult>{b.getIndexAttr(1)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
    return Operand{ptr, SmallVector<Value>(meta.getStrides())};
  };

  Value v = op.getV();
  Value B = lb.dim(v, 0), S = lb.dim(v, 1), R = lb.dim(v, 2), H = lb.dim(v, 3);
  Value c8 = lb.idx(8);
  Value Rp = lb.muli(lb.divui(lb.addi(R, lb.idx(7)), c8), c8);
  Value BH = lb.muli(B, H);
  Value probsElements = lb.muli(lb.muli(BH, R), Rp);
  auto flatType = MemRefType::get({ShapedType::kDynamic}, T);

  Operand bias = operand(op.getBias());
  Operand vIn = operand(v), gate = operand(op.getGate()),
          out = operand(op.getOut());
  // Absent optional operands are never read (their flags are 0); the bias
  // stands in for them, with zero strides.
  SmallVector<Value> zeros3(3, lb.c0);
  Operand pairMask =
      op.getPairMask() ? operand(op.getPairMask()) : Operand{bias.ptr, zeros3};
  Operand msaMask =
      op.getMsaMask() ? operand(op.getMsaMask()) : Operand{vIn.ptr, zeros3};
  Value lsePtr;
  Value hasPairMask = lb.idx(op.getPairMask() ? 1 : 0);
  Value hasMsaMask = lb.idx(op.getMsaMask() ? 1 : 0);
  Value hasLse = lb.idx(op.getLse() ? 1 : 0);
  Value inf = arith::ConstantOp::create(
      b, loc,
      b.getF32FloatAttr(static_cast<float>(op.getInf().convertToDouble())));

  auto nonZero = [&](Value x) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x, lb.c0);
  };
  Value anyWork = lb.andi(nonZero(BH), nonZero(R));
  lb.ifThen(anyWork, [&] {
    Value probs = gpu::AllocOp::create(b, loc, flatType, Type(), ValueRange{},
                                       ValueRange{probsElements}, ValueRange{},
                                       UnitAttr())
                      .getResult(0);
    Value probsPtr = memref::ReinterpretCastOp::create(
        b, loc, ptrType(T), probs, OpFoldResult(b.getIndexAttr(0)),
        ArrayRef<OpFoldResult>{b.getIndexAttr(1)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
    // Without an lse output the kernel gets a one-element stand-in that it
    // never writes (has_lse is 0).
    Value lseStandIn;
    if (op.getLse())
      lsePtr = operand(op.getLse()).ptr;
    else
      lsePtr = lseStandIn =
          gpu::AllocOp::create(b, loc, ptrType(b.getF32Type()), Type(),
                               ValueRange{}, ValueRange{}, ValueRange{},
                               UnitAttr())
              .getResult(0);

    auto kernel = [&](const KernelInfo &info) {
      return gpuModule.lookupSymbol<gpu::GPUFuncOp>(info.entry);
    };
    auto dims = [&](int64_t x, int64_t y, int64_t z) {
      return gpu::KernelDim3{lb.idx(x), lb.idx(y), lb.idx(z)};
    };
    const KernelInfo &probsInfo = kernels[0], &gemmInfo = kernels[1];
    SmallVector<Value> probsArgs = {bias.ptr,
                                    pairMask.ptr,
                                    probsPtr,
                                    lsePtr,
                                    B,
                                    R,
                                    H,
                                    Rp,
                                    bias.strides[0],
                                    bias.strides[1],
                                    bias.strides[2],
                                    bias.strides[3],
                                    pairMask.strides[0],
                                    pairMask.strides[1],
                                    pairMask.strides[2],
                                    hasPairMask,
                                    hasLse,
                                    inf};
    gpu::LaunchFuncOp::create(
        b, loc, kernel(probsInfo), gpu::KernelDim3{R, B, lb.c1},
        dims(probsInfo.block[0], probsInfo.block[1], probsInfo.block[2]),
        Value(), probsArgs);

    ForwardTiles tiles = forwardTiles(variant);
    Value columns = lb.muli(S, lb.idx(variant.headDim));
    lb.ifThen(nonZero(S), [&] {
      auto ceilDiv = [&](Value x, int64_t d) {
        return lb.divui(lb.addi(x, lb.idx(d - 1)), lb.idx(d));
      };
      SmallVector<Value> gemmArgs = {probsPtr,
                                     vIn.ptr,
                                     gate.ptr,
                                     msaMask.ptr,
                                     out.ptr,
                                     B,
                                     S,
                                     R,
                                     H,
                                     Rp,
                                     vIn.strides[0],
                                     vIn.strides[1],
                                     vIn.strides[2],
                                     vIn.strides[3],
                                     gate.strides[0],
                                     gate.strides[1],
                                     gate.strides[2],
                                     gate.strides[3],
                                     out.strides[0],
                                     out.strides[1],
                                     out.strides[2],
                                     out.strides[3],
                                     msaMask.strides[0],
                                     msaMask.strides[1],
                                     msaMask.strides[2],
                                     hasMsaMask};
      Value shared = arith::ConstantOp::create(
          b, loc, b.getI32IntegerAttr(int32_t(gemmInfo.dynamicSharedBytes)));
      gpu::LaunchFuncOp::create(
          b, loc, kernel(gemmInfo),
          gpu::KernelDim3{lb.muli(B, ceilDiv(H, tiles.heads)),
                          ceilDiv(R, tiles.bm), ceilDiv(columns, tiles.bn)},
          dims(gemmInfo.block[0], gemmInfo.block[1], gemmInfo.block[2]), shared,
          gemmArgs);
    });
    gpu::DeallocOp::create(b, loc, Type(), ValueRange{}, probs);
    if (lseStandIn)
      gpu::DeallocOp::create(b, loc, Type(), ValueRange{}, lseStandIn);
  });
  op.erase();
}

struct ConvertMSAToGPUPass
    : msa::impl::ConvertMSAToGPUBase<ConvertMSAToGPUPass> {
  using Base::Base;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<PairWeightedAverageOp> ops;
    module.walk([&](PairWeightedAverageOp op) { ops.push_back(op); });
    bool failed = false;
    for (PairWeightedAverageOp op : ops) {
      ForwardVariant variant;
      if (std::string why = gpuForwardVariantOf(op, chip, variant);
          !why.empty()) {
        op.emitOpError("cannot be lowered to the GPU kernels: ") << why;
        failed = true;
        continue;
      }
      auto gpuModule = module.lookupSymbol<gpu::GPUModuleOp>(variant.name());
      std::vector<KernelInfo> kernels;
      if (!gpuModule) {
        kernels = buildForwardKernels(module, variant);
        gpuModule = module.lookupSymbol<gpu::GPUModuleOp>(variant.name());
      } else {
        // Same variant, same kernels: rebuild only their descriptions.
        OwningOpRef<ModuleOp> scratch = ModuleOp::create(module.getLoc());
        kernels = buildForwardKernels(*scratch, variant);
      }
      lowerToLaunches(op, variant, gpuModule, kernels);
    }
    if (failed)
      signalPassFailure();
  }
};

} // namespace
