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
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "llvm/ADT/StringMap.h"

#include <functional>

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

/// Prints `t` as diagnostics do, in single quotes.
std::string quoted(Type t) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "'" << t << "'";
  return s;
}

/// Checks ranks and element types of `specs` (absent optional operands are
/// skipped) and that each logical dimension has one static size across them.
/// Returns why not, or an empty string.
std::string checkOperands(ArrayRef<OperandSpec> specs) {
  struct Binding {
    int64_t size;
    StringRef operand;
    unsigned dim;
  };
  llvm::SmallDenseMap<char, Binding> bound;
  std::string why;
  llvm::raw_string_ostream os(why);
  for (const OperandSpec &spec : specs) {
    if (!spec.value)
      continue;
    auto type = dyn_cast<MemRefType>(spec.value.getType());
    if (!type) {
      os << "operand '" << spec.name << "' must be a ranked memref, got "
         << quoted(spec.value.getType());
      return why;
    }
    if (type.getRank() != static_cast<int64_t>(spec.dims.size())) {
      os << "operand '" << spec.name << "' must have rank " << spec.dims.size()
         << " " << describeDims(spec.dims) << ", got rank " << type.getRank();
      return why;
    }
    Type elem = type.getElementType();
    if (spec.f32Only && !elem.isF32()) {
      os << "operand '" << spec.name << "' element type must be f32, got "
         << quoted(elem);
      return why;
    }
    if (!spec.f32Only && !isSupportedDataType(elem)) {
      os << "operand '" << spec.name
         << "' element type must be bf16, f16 or f32, got " << quoted(elem);
      return why;
    }
    for (auto [dimIdx, letter] : llvm::enumerate(spec.dims)) {
      int64_t size = type.getDimSize(dimIdx);
      if (ShapedType::isDynamic(size))
        continue;
      auto [it, inserted] = bound.try_emplace(
          letter, Binding{size, spec.name, static_cast<unsigned>(dimIdx)});
      if (inserted || it->second.size == size)
        continue;
      os << "dimension " << letter << " of operand '" << spec.name << "' (dim "
         << dimIdx << ") is " << size << ", but operand '" << it->second.operand
         << "' has " << letter << " = " << it->second.size << " (dim "
         << it->second.dim << ")";
      return why;
    }
  }
  return why;
}

Type elementTypeOf(Value v) {
  return cast<MemRefType>(v.getType()).getElementType();
}

/// All of `ops` must have the element type of the first one.
std::string checkSameElementType(ArrayRef<std::pair<StringRef, Value>> ops) {
  Type first = elementTypeOf(ops.front().second);
  for (auto [name, value] : ops.drop_front()) {
    Type t = elementTypeOf(value);
    if (t != first)
      return ("operand '" + name + "' element type " + quoted(t) +
              " must match operand '" + ops.front().first + "' element type " +
              quoted(first))
          .str();
  }
  return "";
}

/// A pair-bias-shaped operand holds the data type or f32.
std::string checkBiasElementType(StringRef name, Value value, Type dataType) {
  Type t = elementTypeOf(value);
  if (t == dataType || t.isF32())
    return "";
  if (dataType.isF32())
    return ("operand '" + name + "' element type " + quoted(t) + " must be f32")
        .str();
  return ("operand '" + name + "' element type " + quoted(t) +
          " must be the data type " + quoted(dataType) + " or f32")
      .str();
}

std::string checkInf(double inf) {
  // The kernels compute in f32: inf must be finite there too.
  if (std::isfinite(inf) && inf > 0 && inf <= 3.4028234663852886e38)
    return "";
  std::string why;
  llvm::raw_string_ostream os(why);
  os << "attribute 'inf' must be positive and finite, got " << inf;
  return why;
}

std::string checkPrecision(Precision precision, Type dataType) {
  if (precision == Precision::ieee || dataType.isF32())
    return "";
  return ("precision '" + stringifyPrecision(precision) +
          "' requires f32 data, got " + quoted(dataType))
      .str();
}

/// The buffer `v` is a view of: follows view-like ops (casts, subviews,
/// reshapes) to their source.
Value aliasRoot(Value v) {
  while (auto view = v.getDefiningOp<ViewLikeOpInterface>())
    v = view.getViewSource();
  return v;
}

/// No output may be a view of an input or of another output: the fused
/// kernels read inputs while they write outputs.
std::string checkNoAlias(ArrayRef<std::pair<StringRef, Value>> inputs,
                         ArrayRef<std::pair<StringRef, Value>> outputs) {
  for (auto [i, out] : llvm::enumerate(outputs)) {
    if (!out.second)
      continue;
    Value root = aliasRoot(out.second);
    auto clash = [&](ArrayRef<std::pair<StringRef, Value>> others) {
      for (auto [name, value] : others)
        if (value && aliasRoot(value) == root)
          return name;
      return StringRef();
    };
    StringRef other = clash(inputs);
    if (other.empty())
      other = clash(outputs.drop_front(i + 1));
    if (!other.empty())
      return ("operand '" + out.first + "' and operand '" + other +
              "' are views of one buffer; outputs must not alias other "
              "operands")
          .str();
  }
  return "";
}

/// The first non-empty message, or an empty string.
std::string
firstError(std::initializer_list<std::function<std::string()>> checks) {
  for (const auto &check : checks)
    if (std::string why = check(); !why.empty())
      return why;
  return "";
}

bool isStaticallyEmpty(Value v) {
  auto type = dyn_cast<MemRefType>(v.getType());
  return type && llvm::is_contained(type.getShape(), 0);
}

/// Erases an msa op whose every output is statically empty: it writes nothing.
template <typename OpTy> struct EraseEmptyPattern : OpRewritePattern<OpTy> {
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

/// Folds memref.cast operands into `op` when the op stays valid with the
/// casts' more static source types (a cast may hide a size that contradicts
/// another operand; then nothing is folded).
template <typename OpTy> LogicalResult foldCasts(OpTy op) {
  SmallVector<std::pair<OpOperand *, Value>> folded;
  for (OpOperand &operand : op->getOpOperands()) {
    auto cast = operand.get().template getDefiningOp<memref::CastOp>();
    if (cast && memref::CastOp::canFoldIntoConsumerOp(cast)) {
      folded.push_back({&operand, operand.get()});
      operand.set(cast.getSource());
    }
  }
  if (folded.empty())
    return failure();
  if (op.explainInvalid().empty())
    return success();
  for (auto [operand, original] : folded)
    operand->set(original);
  return failure();
}

} // namespace

//===----------------------------------------------------------------------===//
// PairWeightedAverageOp
//===----------------------------------------------------------------------===//

std::string mlir::msa::explainOperandMismatch(ArrayRef<NamedOperand> operands) {
  SmallVector<OperandSpec> specs;
  for (const NamedOperand &o : operands)
    specs.push_back({o.value, o.name, o.dims});
  return checkOperands(specs);
}

std::string mlir::msa::explainInvalidPairWeightedAverage(
    Value v, Value bias, Value gate, Value pairMask, Value msaMask, Value out,
    Value lse, double inf, Precision precision) {
  if (std::string why =
          checkOperands({{v, "v", layout::kMsa},
                         {bias, "bias", layout::kPair},
                         {gate, "gate", layout::kMsa},
                         {pairMask, "pair_mask", layout::kPairMask},
                         {msaMask, "msa_mask", layout::kMsaMask},
                         {out, "out", layout::kMsa},
                         {lse, "lse", layout::kLse, /*f32Only=*/true}});
      !why.empty())
    return why;
  Type dataType = elementTypeOf(v);
  return firstError(
      {[&] {
         return checkSameElementType({{"v", v}, {"gate", gate}, {"out", out}});
       },
       [&] { return checkBiasElementType("bias", bias, dataType); },
       [&] { return checkInf(inf); },
       [&] { return checkPrecision(precision, dataType); },
       [&] {
         return checkNoAlias({{"v", v},
                              {"bias", bias},
                              {"gate", gate},
                              {"pair_mask", pairMask},
                              {"msa_mask", msaMask}},
                             {{"out", out}, {"lse", lse}});
       }});
}

std::string PairWeightedAverageOp::explainInvalid() {
  return explainInvalidPairWeightedAverage(
      getV(), getBias(), getGate(), getPairMask(), getMsaMask(), getOut(),
      getLse(), getInf().convertToDouble(), getPrecision());
}

SmallVector<Value> PairWeightedAverageOp::getOutputs() {
  return {getOut(), getLse()};
}

LogicalResult PairWeightedAverageOp::verify() {
  if (std::string why = explainInvalid(); !why.empty())
    return emitOpError(why);
  return success();
}

LogicalResult PairWeightedAverageOp::fold(FoldAdaptor,
                                          SmallVectorImpl<OpFoldResult> &) {
  return foldCasts(*this);
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

std::string PairWeightedAverageGradOp::explainInvalid() {
  if (std::string why =
          checkOperands({{getDout(), "dout", layout::kMsa},
                         {getV(), "v", layout::kMsa},
                         {getBias(), "bias", layout::kPair},
                         {getGate(), "gate", layout::kMsa},
                         {getOut(), "out", layout::kMsa},
                         {getLse(), "lse", layout::kLse, /*f32Only=*/true},
                         {getPairMask(), "pair_mask", layout::kPairMask},
                         {getMsaMask(), "msa_mask", layout::kMsaMask},
                         {getDv(), "dv", layout::kMsa},
                         {getDbias(), "dbias", layout::kPair},
                         {getDgate(), "dgate", layout::kMsa}});
      !why.empty())
    return why;
  Type dataType = elementTypeOf(getV());
  return firstError(
      {[&] {
         return checkSameElementType({{"v", getV()},
                                      {"dout", getDout()},
                                      {"gate", getGate()},
                                      {"out", getOut()},
                                      {"dv", getDv()},
                                      {"dgate", getDgate()}});
       },
       [&] { return checkBiasElementType("bias", getBias(), dataType); },
       [&] { return checkBiasElementType("dbias", getDbias(), dataType); },
       [&] { return checkInf(getInf().convertToDouble()); },
       [&] { return checkPrecision(getPrecision(), dataType); },
       [&] {
         return checkNoAlias(
             {{"dout", getDout()},
              {"v", getV()},
              {"bias", getBias()},
              {"gate", getGate()},
              {"out", getOut()},
              {"lse", getLse()},
              {"pair_mask", getPairMask()},
              {"msa_mask", getMsaMask()}},
             {{"dv", getDv()}, {"dbias", getDbias()}, {"dgate", getDgate()}});
       }});
}

LogicalResult PairWeightedAverageGradOp::verify() {
  if (std::string why = explainInvalid(); !why.empty())
    return emitOpError(why);
  return success();
}

LogicalResult PairWeightedAverageGradOp::fold(FoldAdaptor,
                                              SmallVectorImpl<OpFoldResult> &) {
  return foldCasts(*this);
}

void PairWeightedAverageGradOp::getCanonicalizationPatterns(
    RewritePatternSet &results, MLIRContext *context) {
  results.add<EraseEmptyPattern<PairWeightedAverageGradOp>>(context);
}

//===----------------------------------------------------------------------===//
// Unfused steps
//===----------------------------------------------------------------------===//

LogicalResult MaskedSoftmaxOp::verify() {
  std::string why = firstError(
      {[&] {
         return checkOperands({{getBias(), "bias", layout::kPair},
                               {getPairMask(), "pair_mask", layout::kPairMask},
                               {getWeights(), "weights", layout::kPair}});
       },
       [&] { return checkInf(getInf().convertToDouble()); }});
  return why.empty() ? success() : emitOpError(why);
}

LogicalResult WeightedSumOp::verify() {
  std::string why = checkOperands({{getWeights(), "weights", layout::kPair},
                                   {getV(), "v", layout::kMsa},
                                   {getMsaMask(), "msa_mask", layout::kMsaMask},
                                   {getOut(), "out", layout::kMsa}});
  return why.empty() ? success() : emitOpError(why);
}

LogicalResult SigmoidGateOp::verify() {
  std::string why = checkOperands({{getInput(), "input", layout::kMsa},
                                   {getGate(), "gate", layout::kMsa},
                                   {getOut(), "out", layout::kMsa}});
  return why.empty() ? success() : emitOpError(why);
}

#define GET_OP_CLASSES
#include "msa/Dialect/MSA/IR/MSAOps.cpp.inc"
