//===- FusePairWeightedAverage.cpp - Raise the unfused chain ----*- C++ -*-===//
//
// Implements `msa-fuse-pair-weighted-average`: the chain masked_softmax ->
// weighted_sum -> sigmoid_gate, linked through two local buffers, becomes one
// msa.pair_weighted_average. A chain that cannot be fused safely is left as it
// is, with a remark on the gate that says why.
//
//===----------------------------------------------------------------------===//

#include "msa/Dialect/MSA/Transforms/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "msa/Dialect/MSA/IR/MSAOps.h"

namespace mlir {
namespace msa {
#define GEN_PASS_DEF_MSAFUSEPAIRWEIGHTEDAVERAGE
#include "msa/Dialect/MSA/Transforms/Passes.h.inc"
} // namespace msa
} // namespace mlir

using namespace mlir;
using namespace mlir::msa;

namespace {

/// A matched chain, or the reason there is none. `isChain` is false when the
/// gate's input is not produced by a weighted_sum into a local buffer: such a
/// gate is not part of a chain and gets no remark.
struct ChainMatch {
  bool isChain = false;
  std::string whyNot;
  MaskedSoftmaxOp softmax;
  WeightedSumOp sum;
  SmallVector<Operation *> buffers; // allocs and deallocs to erase
};

/// The op that writes buffer `buffer` through operand `outputOperand` of type
/// OpTy, if `buffer` is a local allocation; null otherwise.
template <typename OpTy>
OpTy findWriter(Value buffer, function_ref<Value(OpTy)> output) {
  if (!buffer.getDefiningOp<memref::AllocOp>())
    return nullptr;
  for (Operation *user : buffer.getUsers())
    if (auto op = dyn_cast<OpTy>(user); op && output(op) == buffer)
      return op;
  return nullptr;
}

/// Checks that `buffer` is used exactly once by `writer`, once by `reader`
/// and otherwise only by deallocations, which are collected into `erase`.
LogicalResult checkPrivate(Value buffer, Operation *writer, Operation *reader,
                           StringRef what, ChainMatch &m) {
  unsigned writerUses = 0, readerUses = 0;
  SmallVector<Operation *> deallocs;
  for (OpOperand &use : buffer.getUses()) {
    Operation *owner = use.getOwner();
    if (owner == writer)
      ++writerUses;
    else if (owner == reader)
      ++readerUses;
    else if (isa<memref::DeallocOp>(owner))
      deallocs.push_back(owner);
    else {
      m.whyNot = (Twine("intermediate ") + what + " has another user ('" +
                  owner->getName().getStringRef() + "')")
                     .str();
      return failure();
    }
  }
  if (writerUses != 1 || readerUses != 1 || deallocs.size() > 1) {
    m.whyNot =
        (Twine("intermediate ") + what + " is used more than once by the chain")
            .str();
    return failure();
  }
  m.buffers.append(deallocs.begin(), deallocs.end());
  m.buffers.push_back(buffer.getDefiningOp());
  return success();
}

/// True if `op` may write or free memory (ops without a memory-effect
/// interface count as writers).
bool mayWriteMemory(Operation *op) {
  auto effects = dyn_cast<MemoryEffectOpInterface>(op);
  if (!effects)
    return !op->hasTrait<OpTrait::HasRecursiveMemoryEffects>() ||
           op->walk([](Operation *nested) {
               return nested->getNumRegions() == 0 && mayWriteMemory(nested)
                          ? WalkResult::interrupt()
                          : WalkResult::advance();
             }).wasInterrupted();
  return effects.hasEffect<MemoryEffects::Write>() ||
         effects.hasEffect<MemoryEffects::Free>();
}

ChainMatch matchChain(SigmoidGateOp gate) {
  ChainMatch m;
  m.sum = findWriter<WeightedSumOp>(
      gate.getInput(), [](WeightedSumOp op) { return op.getOut(); });
  if (!m.sum)
    return m;
  m.isChain = true;
  m.softmax = findWriter<MaskedSoftmaxOp>(
      m.sum.getWeights(), [](MaskedSoftmaxOp op) { return op.getWeights(); });
  if (!m.softmax) {
    m.whyNot = "the weights are not written by msa.masked_softmax into a "
               "local buffer";
    return m;
  }
  if (failed(checkPrivate(gate.getInput(), m.sum, gate, "'weighted sum' buffer",
                          m)) ||
      failed(checkPrivate(m.sum.getWeights(), m.softmax, m.sum,
                          "'weights' buffer", m)))
    return m;

  Block *block = gate->getBlock();
  if (m.sum->getBlock() != block || m.softmax->getBlock() != block ||
      !m.softmax->isBeforeInBlock(m.sum) || !m.sum->isBeforeInBlock(gate)) {
    m.whyNot = "the three ops are not in one block in chain order";
    return m;
  }
  for (Operation *op = m.softmax->getNextNode(); op != gate.getOperation();
       op = op->getNextNode()) {
    if (op == m.sum.getOperation() || llvm::is_contained(m.buffers, op))
      continue;
    if (mayWriteMemory(op)) {
      m.whyNot = (Twine("'") + op->getName().getStringRef() +
                  "' between the softmax and the gate may write memory")
                     .str();
      return m;
    }
  }

  // The fused op's own rules (types, sizes that the intermediates may have
  // hidden behind dynamic dimensions, outputs that are views of inputs).
  std::string invalid = explainInvalidPairWeightedAverage(
      m.sum.getV(), m.softmax.getBias(), gate.getGate(),
      m.softmax.getPairMask(), m.sum.getMsaMask(), gate.getOut(),
      /*lse=*/Value(), m.softmax.getInf().convertToDouble(), Precision::ieee);
  if (!invalid.empty()) {
    m.whyNot = "the fused op would be invalid: " + invalid;
    return m;
  }
  // Sizes only the intermediates state must agree too: fusing would drop
  // them.
  std::string mismatch = explainOperandMismatch(
      {{m.softmax.getBias(), "bias", layout::kPair},
       {m.softmax.getPairMask(), "pair_mask", layout::kPairMask},
       {m.sum.getWeights(), "weights", layout::kPair},
       {m.sum.getV(), "v", layout::kMsa},
       {m.sum.getMsaMask(), "msa_mask", layout::kMsaMask},
       {gate.getInput(), "weighted sum", layout::kMsa},
       {gate.getGate(), "gate", layout::kMsa},
       {gate.getOut(), "out", layout::kMsa}});
  if (!mismatch.empty()) {
    m.whyNot = "the chain's buffers disagree: " + mismatch;
    return m;
  }
  m.whyNot.clear();
  return m;
}

/// Replaces the matched chain ending at `gate` by the fused op.
PairWeightedAverageOp rewriteChain(SigmoidGateOp gate, ChainMatch &m,
                                   RewriterBase &rewriter) {
  rewriter.setInsertionPoint(gate);
  Location loc =
      rewriter.getFusedLoc({m.softmax.getLoc(), m.sum.getLoc(), gate.getLoc()});
  auto fused = PairWeightedAverageOp::create(
      rewriter, loc, m.sum.getV(), m.softmax.getBias(), gate.getGate(),
      m.softmax.getPairMask(), m.sum.getMsaMask(), gate.getOut(),
      /*lse=*/Value(), m.softmax.getInfAttr(),
      PrecisionAttr::get(rewriter.getContext(), Precision::ieee));
  rewriter.eraseOp(gate);
  rewriter.eraseOp(m.sum);
  rewriter.eraseOp(m.softmax);
  // Deallocations were collected before their allocation.
  for (Operation *op : m.buffers)
    rewriter.eraseOp(op);
  return fused;
}

/// Raises masked_softmax -> weighted_sum -> sigmoid_gate into
/// msa.pair_weighted_average (see the pass description for preconditions).
struct FusePairWeightedAveragePattern : OpRewritePattern<SigmoidGateOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SigmoidGateOp gate,
                                PatternRewriter &rewriter) const override {
    ChainMatch m = matchChain(gate);
    if (!m.isChain)
      return rewriter.notifyMatchFailure(gate, "not the end of a chain");
    if (!m.whyNot.empty())
      return rewriter.notifyMatchFailure(gate, m.whyNot);
    rewriteChain(gate, m, rewriter);
    return success();
  }
};

struct MSAFusePairWeightedAveragePass
    : msa::impl::MSAFusePairWeightedAverageBase<
          MSAFusePairWeightedAveragePass> {
  void runOnOperation() override {
    // A walk rather than the greedy driver: each chain is looked at exactly
    // once, so each refusal produces exactly one remark.
    SmallVector<SigmoidGateOp> gates;
    getOperation()->walk([&](SigmoidGateOp gate) { gates.push_back(gate); });
    IRRewriter rewriter(&getContext());
    for (SigmoidGateOp gate : gates) {
      ChainMatch m = matchChain(gate);
      if (!m.isChain)
        continue;
      if (!m.whyNot.empty()) {
        gate.emitRemark() << "not fused: " << m.whyNot;
        continue;
      }
      rewriteChain(gate, m, rewriter);
      ++numFused;
    }
  }
};

} // namespace

void mlir::msa::populateFusePairWeightedAveragePatterns(
    RewritePatternSet &patterns) {
  patterns.add<FusePairWeightedAveragePattern>(patterns.getContext());
}
