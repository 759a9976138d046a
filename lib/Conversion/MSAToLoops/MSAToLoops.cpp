//===- MSAToLoops.cpp - Lower msa ops to loops ------------------*- C++ -*-===//
//
// Implements `convert-msa-to-loops`: every msa op becomes scf.for nests over
// memref loads and stores with f32 arithmetic. This is the CPU execution path
// (correctness, not speed): it follows the dialect's definitions directly,
// including the shift-invariant masked softmax.
//
//===----------------------------------------------------------------------===//

#include "msa/Conversion/MSAToLoops/MSAToLoops.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"
#include "msa/Conversion/LoopBuilder.h"
#include "msa/Dialect/MSA/IR/MSAOps.h"

namespace mlir {
namespace msa {
#define GEN_PASS_DEF_CONVERTMSATOLOOPS
#include "msa/Conversion/Passes.h.inc"
} // namespace msa
} // namespace mlir

using namespace mlir;
using namespace mlir::msa;

namespace {

/// The masked logits of one pair row, shifted by the row's largest mask
/// term so that fully masked rows keep the bias's precision:
/// logit(j) = bias[b,i,j,h] + (inf * (mask[b,i,j] - 1) - kmax).
class MaskedRow {
public:
  MaskedRow(LoopBuilder &lb, Value bias, Value pairMask, double inf, Value R)
      : lb(lb), bias(bias), pairMask(pairMask), inf(inf), R(R) {}

  Value maskTerm(Value b, Value i, Value j) {
    Value m = lb.load(pairMask, {b, i, j});
    return lb.mul(lb.f32(inf), lb.sub(m, lb.f32(1.0)));
  }
  /// max_j of the mask term; null without a pair mask (the shift is 0).
  Value maskMax(Value b, Value i) {
    if (!pairMask)
      return nullptr;
    return lb.reduce(R, lb.negInf(), [&](Value j, Value acc) {
      return lb.max(acc, maskTerm(b, i, j));
    });
  }
  Value logit(Value b, Value i, Value j, Value h, Value kmax) {
    Value x = lb.load(bias, {b, i, j, h});
    if (!pairMask)
      return x;
    return lb.add(x, lb.sub(maskTerm(b, i, j), kmax));
  }

  /// Softmax statistics of row (b, i, h): fills `row[j] = exp(logit - max)`
  /// and returns {lse, 1 / sum}.
  std::pair<Value, Value> softmax(Value b, Value i, Value h, Value row) {
    Value kmax = maskMax(b, i);
    Value m = lb.reduce(R, lb.negInf(), [&](Value j, Value acc) {
      return lb.max(acc, logit(b, i, j, h, kmax));
    });
    Value sum = lb.reduce(R, lb.f32(0.0), [&](Value j, Value acc) {
      Value p = lb.exp(lb.sub(logit(b, i, j, h, kmax), m));
      memref::StoreOp::create(lb.b, lb.loc, p, row, j);
      return lb.add(acc, p);
    });
    return {lb.add(m, lb.log(sum)), lb.div(lb.f32(1.0), sum)};
  }

private:
  LoopBuilder &lb;
  Value bias, pairMask;
  double inf;
  Value R;
};

/// v[b,s,j,h,c] times msa_mask[b,s,j] when there is one.
Value maskedValue(LoopBuilder &lb, Value v, Value msaMask, Value b, Value s,
                  Value j, Value h, Value c) {
  Value x = lb.load(v, {b, s, j, h, c});
  return msaMask ? lb.mul(x, lb.load(msaMask, {b, s, j})) : x;
}

/// Lowers the fused forward: per (b, h, i) the row statistics and
/// probabilities, then the weighted sum over j for every (s, c) and the gate.
struct PairWeightedAverageLowering : OpRewritePattern<PairWeightedAverageOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(PairWeightedAverageOp op,
                                PatternRewriter &rewriter) const override {
    LoopBuilder lb(rewriter, op.getLoc());
    Value v = op.getV();
    Value B = lb.dim(v, 0), S = lb.dim(v, 1), R = lb.dim(v, 2),
          H = lb.dim(v, 3), C = lb.dim(v, 4);
    MaskedRow rows(lb, op.getBias(), op.getPairMask(),
                   op.getInf().convertToDouble(), R);
    Value row = lb.allocRow(R);
    lb.loop(B, [&](Value b) {
      lb.loop(H, [&](Value h) {
        lb.loop(R, [&](Value i) {
          auto [lse, invSum] = rows.softmax(b, i, h, row);
          if (op.getLse())
            lb.store(lse, op.getLse(), {b, h, i});
          lb.loop(S, [&](Value s) {
            lb.loop(C, [&](Value c) {
              Value acc = lb.reduce(R, lb.f32(0.0), [&](Value j, Value acc) {
                Value p = memref::LoadOp::create(rewriter, lb.loc, row, j);
                return lb.add(acc, lb.mul(p, maskedValue(lb, v, op.getMsaMask(),
                                                         b, s, j, h, c)));
              });
              Value g = lb.sigmoid(lb.load(op.getGate(), {b, s, i, h, c}));
              lb.store(lb.mul(g, lb.mul(acc, invSum)), op.getOut(),
                       {b, s, i, h, c});
            });
          });
        });
      });
    });
    lb.dealloc(row);
    rewriter.eraseOp(op);
    return success();
  }
};

/// Lowers the gradient, per (b, h): D and dg; then dbias = W * (dW - D) with
/// W recomputed from bias and lse; then dv = W^T dO' scaled by the msa mask.
struct PairWeightedAverageGradLowering
    : OpRewritePattern<PairWeightedAverageGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(PairWeightedAverageGradOp op,
                                PatternRewriter &rewriter) const override {
    LoopBuilder lb(rewriter, op.getLoc());
    Value v = op.getV();
    Value B = lb.dim(v, 0), S = lb.dim(v, 1), R = lb.dim(v, 2),
          H = lb.dim(v, 3), C = lb.dim(v, 4);
    Value pairMask = op.getPairMask(), msaMask = op.getMsaMask();
    MaskedRow rows(lb, op.getBias(), pairMask, op.getInf().convertToDouble(),
                   R);
    Value kmaxRow = pairMask ? lb.allocRow(R) : Value();
    Value dRow = lb.allocRow(R);
    auto load = [&](Value buffer, Value i) -> Value {
      return memref::LoadOp::create(rewriter, lb.loc, buffer, i);
    };
    lb.loop(B, [&](Value b) {
      lb.loop(H, [&](Value h) {
        // dO' = dout * sigmoid(gate) at (b, s, i, h, c).
        auto dOut = [&](Value s, Value i, Value c) {
          return lb.mul(lb.load(op.getDout(), {b, s, i, h, c}),
                        lb.sigmoid(lb.load(op.getGate(), {b, s, i, h, c})));
        };
        // W[b, i, j, h] from the saved statistics.
        auto prob = [&](Value i, Value j) {
          Value kmax = pairMask ? load(kmaxRow, i) : Value();
          Value lse = lb.load(op.getLse(), {b, h, i});
          return lb.exp(lb.sub(rows.logit(b, i, j, h, kmax), lse));
        };
        lb.loop(R, [&](Value i) {
          if (pairMask)
            memref::StoreOp::create(rewriter, lb.loc, rows.maskMax(b, i),
                                    kmaxRow, i);
          Value d = lb.reduce(S, lb.f32(0.0), [&](Value s, Value acc) {
            return lb.reduce(C, acc, [&](Value c, Value acc) {
              Value dout = lb.load(op.getDout(), {b, s, i, h, c});
              Value out = lb.load(op.getOut(), {b, s, i, h, c});
              Value sg = lb.sigmoid(lb.load(op.getGate(), {b, s, i, h, c}));
              Value dOutOut = lb.mul(dout, out);
              lb.store(lb.mul(dOutOut, lb.sub(lb.f32(1.0), sg)), op.getDgate(),
                       {b, s, i, h, c});
              return lb.add(acc, dOutOut);
            });
          });
          memref::StoreOp::create(rewriter, lb.loc, d, dRow, i);
        });
        lb.loop(R, [&](Value i) {
          lb.loop(R, [&](Value j) {
            Value dW = lb.reduce(S, lb.f32(0.0), [&](Value s, Value acc) {
              return lb.reduce(C, acc, [&](Value c, Value acc) {
                Value x = maskedValue(lb, v, msaMask, b, s, j, h, c);
                return lb.add(acc, lb.mul(dOut(s, i, c), x));
              });
            });
            lb.store(lb.mul(prob(i, j), lb.sub(dW, load(dRow, i))),
                     op.getDbias(), {b, i, j, h});
          });
        });
        lb.loop(R, [&](Value j) {
          lb.loop(S, [&](Value s) {
            lb.loop(C, [&](Value c) {
              Value acc = lb.reduce(R, lb.f32(0.0), [&](Value i, Value acc) {
                return lb.add(acc, lb.mul(prob(i, j), dOut(s, i, c)));
              });
              if (msaMask)
                acc = lb.mul(acc, lb.load(msaMask, {b, s, j}));
              lb.store(acc, op.getDv(), {b, s, j, h, c});
            });
          });
        });
      });
    });
    if (kmaxRow)
      lb.dealloc(kmaxRow);
    lb.dealloc(dRow);
    rewriter.eraseOp(op);
    return success();
  }
};

/// Lowers msa.masked_softmax: per (b, h, i) the row statistics, then
/// weights[b, i, j, h] = exp(logit - max) / sum.
struct MaskedSoftmaxLowering : OpRewritePattern<MaskedSoftmaxOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MaskedSoftmaxOp op,
                                PatternRewriter &rewriter) const override {
    LoopBuilder lb(rewriter, op.getLoc());
    Value bias = op.getBias();
    Value B = lb.dim(bias, 0), R = lb.dim(bias, 1), H = lb.dim(bias, 3);
    MaskedRow rows(lb, bias, op.getPairMask(), op.getInf().convertToDouble(),
                   R);
    Value row = lb.allocRow(R);
    lb.loop(B, [&](Value b) {
      lb.loop(H, [&](Value h) {
        lb.loop(R, [&](Value i) {
          Value invSum = rows.softmax(b, i, h, row).second;
          lb.loop(R, [&](Value j) {
            Value p = memref::LoadOp::create(rewriter, lb.loc, row, j);
            lb.store(lb.mul(p, invSum), op.getWeights(), {b, i, j, h});
          });
        });
      });
    });
    lb.dealloc(row);
    rewriter.eraseOp(op);
    return success();
  }
};

/// Lowers msa.weighted_sum to a sum over j for every output element.
struct WeightedSumLowering : OpRewritePattern<WeightedSumOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(WeightedSumOp op,
                                PatternRewriter &rewriter) const override {
    LoopBuilder lb(rewriter, op.getLoc());
    Value v = op.getV();
    Value B = lb.dim(v, 0), S = lb.dim(v, 1), R = lb.dim(v, 2),
          H = lb.dim(v, 3), C = lb.dim(v, 4);
    lb.loop(B, [&](Value b) {
      lb.loop(S, [&](Value s) {
        lb.loop(R, [&](Value i) {
          lb.loop(H, [&](Value h) {
            lb.loop(C, [&](Value c) {
              Value acc = lb.reduce(R, lb.f32(0.0), [&](Value j, Value acc) {
                Value w = lb.load(op.getWeights(), {b, i, j, h});
                return lb.add(acc, lb.mul(w, maskedValue(lb, v, op.getMsaMask(),
                                                         b, s, j, h, c)));
              });
              lb.store(acc, op.getOut(), {b, s, i, h, c});
            });
          });
        });
      });
    });
    rewriter.eraseOp(op);
    return success();
  }
};

/// Lowers msa.sigmoid_gate to an elementwise loop nest.
struct SigmoidGateLowering : OpRewritePattern<SigmoidGateOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SigmoidGateOp op,
                                PatternRewriter &rewriter) const override {
    LoopBuilder lb(rewriter, op.getLoc());
    SmallVector<Value> dims, ivs;
    for (int64_t d = 0; d < 5; ++d)
      dims.push_back(lb.dim(op.getOut(), d));
    std::function<void(unsigned)> nest = [&](unsigned d) {
      if (d == dims.size()) {
        Value g = lb.sigmoid(lb.load(op.getGate(), ivs));
        lb.store(lb.mul(g, lb.load(op.getInput(), ivs)), op.getOut(), ivs);
        return;
      }
      lb.loop(dims[d], [&](Value iv) {
        ivs.push_back(iv);
        nest(d + 1);
        ivs.pop_back();
      });
    };
    nest(0);
    rewriter.eraseOp(op);
    return success();
  }
};

struct ConvertMSAToLoopsPass
    : msa::impl::ConvertMSAToLoopsBase<ConvertMSAToLoopsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateMSAToLoopsConversionPatterns(patterns);
    walkAndApplyPatterns(getOperation(), std::move(patterns));
    WalkResult left = getOperation()->walk([](Operation *op) {
      if (isa_and_nonnull<MSADialect>(op->getDialect())) {
        op->emitOpError("could not be lowered to loops");
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (left.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace

void mlir::msa::populateMSAToLoopsConversionPatterns(
    RewritePatternSet &patterns) {
  patterns.add<PairWeightedAverageLowering, PairWeightedAverageGradLowering,
               MaskedSoftmaxLowering, WeightedSumLowering, SigmoidGateLowering>(
      patterns.getContext());
}
