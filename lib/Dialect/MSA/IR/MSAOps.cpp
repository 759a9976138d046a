//===- MSAOps.cpp - msa dialect operations ----------------------*- C++ -*-===//
//
// Verifiers, folders and canonicalization patterns of the msa ops. The
// verifiers check every operand's rank and element type and that the logical
// dimensions (B, S, R, H, C) agree across operands wherever they are static;
// each failure names the operand and the dimension.
//
//===----------------------------------------------------------------------===//

#include "msa/Dialect/MSA/IR/MSAOps.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/StringMap.h"

#include <cmath>

using namespace mlir;
using namespace mlir::msa;

bool mlir::msa::isSupportedDataType(Type type) {
  return type.isBF16() || type.isF16() || type.isF32();
}

namespace {

/// What an operand is: its name in messages, its logical dims, and whether
/// it must be f32 (statistics) or may be any msa data type.
struct OperandSpec {
  Value value;
  StringRef name;
  StringRef dims;
  bool f32Only = false;
};

std::string describeDims(StringRef dims) {
  std::string s = "[";
  for (auto [i, d] : llvm::enumerate(dims)) {
    if (i)
      s += ", ";
    s += d;
  }
  return s + "]";
}

/// Checks ranks and element types of `specs` (absent optional operands are
/// skipped) and that each logical dimension has one static size across them.
LogicalResult verifyOperands(Operation *op, ArrayRef<OperandSpec> specs) {
  struct Binding {
    int64_t size;
    StringRef operand;
    unsigned dim;
  };
  llvm::SmallDenseMap<char, Binding> bound;
  for (const OperandSpec &spec : specs) {
    if (!spec.value)
      continue;
    auto type = dyn_cast<MemRefType>(spec.value.getType());
    if (!type)
      return op->emitOpError() << "operand '" << spec.name
                               << "' must be a ranked memref, got "
                               << spec.value.getType();
    if (type.getRank() != static_cast<int64_t>(spec.dims.size()))
      return op->emitOpError()
             << "operand '" << spec.name << "' must have rank "
             << spec.dims.size() << " " << describeDims(spec.dims)
             << ", got rank " << type.getRank();
    Type elem = type.getElementType();
    if (spec.f32Only && !elem.isF32())
      return op->emitOpError() << "operand '" << spec.name
                               << "' element type must be f32, got " << elem;
    if (!spec.f32Only && !isSupportedDataType(elem))
      return op->emitOpError()
             << "operand '" << spec.name
             << "' element type must be bf16, f16 or f32, got " << elem;
    for (auto [dimIdx, letter] : llvm::enumerate(spec.dims)) {
      int64_t size = type.getDimSize(dimIdx);
      if (ShapedType::isDynamic(size))
        continue;
      auto [it, inserted] = bound.try_emplace(
          letter, Binding{size, spec.name, static_cast<unsigned>(dimIdx)});
      if (inserted || it->second.size == size)
        continue;
      return op->emitOpError()
             << "dimension " << letter << " of operand '" << spec.name
             << "' (dim " << dimIdx << ") is " << size << ", but operand '"
             << it->second.operand << "' has " << letter << " = "
             << it->second.size << " (dim " << it->second.dim << ")";
    }
  }
  return success();
}

Type elementTypeOf(Value v) { return cast<MemRefType>(v.getType()).getElementType(); }

/// All of `names`/`values` must have the element type of the first one.
LogicalResult verifySameElementType(Operation *op,
                                    ArrayRef<std::pair<StringRef, Value>> ops) {
  Type first = elementTypeOf(ops.front().second);
  for (auto [name, value] : ops.drop_front()) {
    Type t = elementTypeOf(value);
    if (t != first)
      return op->emitOpError()
             << "operand '" << name << "' element type " << t
             << " must match operand '" << ops.front().first
             << "' element type " << first;
  }
  return success();
}

/// A pair-bias-shaped operand holds the data type or f32.
LogicalResult verifyBiasElementType(Operation *op, StringRef name, Value value,
                                    Type dataType) {
  Type t = elementTypeOf(value);
  if (t == dataType || t.isF32())
    return success();
  return op->emitOpError() << "operand '" << name << "' element type " << t
                           << " must be the data type " << dataType
                           << " or f32";
}

LogicalResult verifyInf(Operation *op, double inf) {
  if (std::isfinite(inf) && inf > 0)
    return success();
  return op->emitOpError() << "attribute 'inf' must be positive and finite, got "
                           << inf;
}

LogicalResult verifyPrecision(Operation *op, Precision precision,
                              Type dataType) {
  if (precision == Precision::ieee || dataType.isF32())
    return success();
  return op->emitOpError() << "precision '" << stringifyPrecision(precision)
                           << "' requires f32 data, got " << dataType;
}

bool isStaticallyEmpty(Value v) {
  auto type = dyn_cast<MemRefType>(v.getType());
  return type && llvm::is_contained(type.getShape(), 0);
}

/// Erases an msa op whose every output is statically empty: it writes nothing.
template <typename OpTy>
struct EraseEmptyPattern : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    for (Value output : op.getOutputs())
      if (output && !isStaticallyEmpty(output))
        return rewriter.notifyMatchFailure(op, "an output is not empty");
    rewriter.eraseOp(op);
    return success();
  }
};

} // namespace

//===----------------------------------------------------------------------===//
// PairWeightedAverageOp
//===----------------------------------------------------------------------===//

SmallVector<Value> PairWeightedAverageOp::getOutputs() {
  return {getOut(), getLse()};
}

LogicalResult PairWeightedAverageOp::verify() {
  if (failed(verifyOperands(
          *this, {{getV(), "v", layout::kMsa},
                  {getBias(), "bias", layout::kPair},
                  {getGate(), "gate", layout::kMsa},
                  {getPairMask(), "pair_mask", layout::kPairMask},
                  {getMsaMask(), "msa_mask", layout::kMsaMask},
                  {getOut(), "out", layout::kMsa},
                  {getLse(), "lse", layout::kLse, /*f32Only=*/true}})))
    return failure();
  Type dataType = elementTypeOf(getV());
  if (failed(verifySameElementType(
          *this, {{"v", getV()}, {"gate", getGate()}, {"out", getOut()}})) ||
      failed(verifyBiasElementType(*this, "bias", getBias(), dataType)) ||
      failed(verifyInf(*this, getInf().convertToDouble())) ||
      failed(verifyPrecision(*this, getPrecision(), dataType)))
    return failure();
  return success();
}

LogicalResult PairWeightedAverageOp::fold(FoldAdaptor,
                                          SmallVectorImpl<OpFoldResult> &) {
  return memref::foldMemRefCast(*this);
}

void PairWeightedAverageOp::getCanonicalizationPatterns(
    RewritePatternSet &results, MLIRContext *context) {
  results.add<EraseEmptyPattern<PairWeightedAverageOp>>(context);
}

//===----------------------------------------------------------------------===//
// PairWeightedAverageGradOp
//===----------------------------------------------------------------------===//

SmallVector<Value> PairWeightedAverageGradOp::getOutputs() {
  return {getDv(), getDbias(), getDgate()};
}

LogicalResult PairWeightedAverageGradOp::verify() {
  if (failed(verifyOperands(
          *this, {{getDout(), "dout", layout::kMsa},
                  {getV(), "v", layout::kMsa},
                  {getBias(), "bias", layout::kPair},
                  {getGate(), "gate", layout::kMsa},
                  {getOut(), "out", layout::kMsa},
                  {getLse(), "lse", layout::kLse, /*f32Only=*/true},
                  {getPairMask(), "pair_mask", layout::kPairMask},
                  {getMsaMask(), "msa_mask", layout::kMsaMask},
                  {getDv(), "dv", layout::kMsa},
                  {getDbias(), "dbias", layout::kPair},
                  {getDgate(), "dgate", layout::kMsa}})))
    return failure();
  Type dataType = elementTypeOf(getV());
  if (failed(verifySameElementType(*this, {{"v", getV()},
                                           {"dout", getDout()},
                                           {"gate", getGate()},
                                           {"out", getOut()},
                                           {"dv", getDv()},
                                           {"dgate", getDgate()}})) ||
      failed(verifyBiasElementType(*this, "bias", getBias(), dataType)) ||
      failed(verifyBiasElementType(*this, "dbias", getDbias(), dataType)) ||
      failed(verifyInf(*this, getInf().convertToDouble())) ||
      failed(verifyPrecision(*this, getPrecision(), dataType)))
    return failure();
  return success();
}

LogicalResult PairWeightedAverageGradOp::fold(
    FoldAdaptor, SmallVectorImpl<OpFoldResult> &) {
  return memref::foldMemRefCast(*this);
}

void PairWeightedAverageGradOp::getCanonicalizationPatterns(
    RewritePatternSet &results, MLIRContext *context) {
  results.add<EraseEmptyPattern<PairWeightedAverageGradOp>>(context);
}

//===----------------------------------------------------------------------===//
// Unfused steps
//===----------------------------------------------------------------------===//

LogicalResult MaskedSoftmaxOp::verify() {
  if (failed(verifyOperands(*this,
                            {{getBias(), "bias", layout::kPair},
                             {getPairMask(), "pair_mask", layout::kPairMask},
                             {getWeights(), "weights", layout::kPair}})))
    return failure();
  return verifyInf(*this, getInf().convertToDouble());
}

LogicalResult WeightedSumOp::verify() {
  return verifyOperands(*this,
                        {{getWeights(), "weights", layout::kPair},
                         {getV(), "v", layout::kMsa},
                         {getMsaMask(), "msa_mask", layout::kMsaMask},
                         {getOut(), "out", layout::kMsa}});
}

LogicalResult SigmoidGateOp::verify() {
  return verifyOperands(*this, {{getInput(), "input", layout::kMsa},
                                {getGate(), "gate", layout::kMsa},
                                {getOut(), "out", layout::kMsa}});
}

#define GET_OP_CLASSES
#include "msa/Dialect/MSA/IR/MSAOps.cpp.inc"
