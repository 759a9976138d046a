//===- LoopBuilder.h - Loop nests and f32 arithmetic ------------*- C++ -*-===//
//
// A small builder used by the msa lowerings (CPU loops and GPU kernels): scf
// loops with and without reductions, f32 arithmetic, index arithmetic, and
// loads/stores that widen to and narrow from f32.
//
//===----------------------------------------------------------------------===//

#ifndef MSA_CONVERSION_LOOPBUILDER_H
#define MSA_CONVERSION_LOOPBUILDER_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"

namespace mlir {
namespace msa {

/// Builds loop nests and f32 arithmetic at the builder's insertion point.
class LoopBuilder {
public:
  LoopBuilder(OpBuilder &b, Location loc) : b(b), loc(loc) {
    c0 = idx(0);
    c1 = idx(1);
  }

  Value idx(int64_t value) {
    return arith::ConstantIndexOp::create(b, loc, value);
  }
  Value f32(double value) {
    return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(value));
  }
  Value negInf() {
    return arith::ConstantOp::create(
        b, loc,
        b.getFloatAttr(b.getF32Type(),
                       APFloat::getInf(APFloat::IEEEsingle(), true)));
  }
  Value dim(Value memref, int64_t i) {
    return memref::DimOp::create(b, loc, memref, i);
  }

  /// Loads one element and extends it to f32.
  Value load(Value memref, ValueRange indices) {
    Value x = memref::LoadOp::create(b, loc, memref, indices);
    return x.getType().isF32()
               ? x
               : arith::ExtFOp::create(b, loc, b.getF32Type(), x);
  }
  /// Truncates an f32 value to the memref's element type and stores it.
  void store(Value value, Value memref, ValueRange indices) {
    Type elem = cast<MemRefType>(memref.getType()).getElementType();
    if (elem != value.getType())
      value = arith::TruncFOp::create(b, loc, elem, value);
    memref::StoreOp::create(b, loc, value, memref, indices);
  }

  // f32 arithmetic.
  Value add(Value x, Value y) { return arith::AddFOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubFOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulFOp::create(b, loc, x, y); }
  Value div(Value x, Value y) { return arith::DivFOp::create(b, loc, x, y); }
  Value max(Value x, Value y) {
    return arith::MaximumFOp::create(b, loc, x, y);
  }
  Value exp(Value x) { return math::ExpOp::create(b, loc, x); }
  Value log(Value x) { return math::LogOp::create(b, loc, x); }
  /// 1 / (1 + exp(-x)); saturates to 0 and 1 without NaN.
  Value sigmoid(Value x) {
    Value e = exp(arith::NegFOp::create(b, loc, x));
    return div(f32(1.0), add(f32(1.0), e));
  }

  // Index arithmetic.
  Value addi(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value muli(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }
  Value divui(Value x, Value y) { return arith::DivUIOp::create(b, loc, x, y); }
  Value remui(Value x, Value y) { return arith::RemUIOp::create(b, loc, x, y); }
  Value ult(Value x, Value y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x, y);
  }
  Value andi(Value x, Value y) { return arith::AndIOp::create(b, loc, x, y); }
  /// sum_k indices[k] * strides[k].
  Value linearize(ValueRange indices, ValueRange strides) {
    Value offset = muli(indices.front(), strides.front());
    for (auto [i, s] : llvm::drop_begin(llvm::zip(indices, strides)))
      offset = addi(offset, muli(i, s));
    return offset;
  }

  /// for iv in [lb, ub) step `step`: body(iv)
  void loop(Value lb, Value ub, Value step, function_ref<void(Value)> body) {
    scf::ForOp::create(b, loc, lb, ub, step, ValueRange{},
                       [&](OpBuilder &, Location, Value iv, ValueRange) {
                         body(iv);
                         scf::YieldOp::create(b, loc);
                       });
  }
  /// for iv in [0, ub): body(iv)
  void loop(Value ub, function_ref<void(Value)> body) {
    loop(c0, ub, c1, body);
  }
  /// acc = init; for iv in [lb, ub) step `step`: acc = body(iv, acc).
  Value reduce(Value lb, Value ub, Value step, Value init,
               function_ref<Value(Value, Value)> body) {
    auto forOp = scf::ForOp::create(
        b, loc, lb, ub, step, ValueRange{init},
        [&](OpBuilder &, Location, Value iv, ValueRange args) {
          scf::YieldOp::create(b, loc, body(iv, args.front()));
        });
    return forOp.getResult(0);
  }
  /// acc = init; for iv in [0, ub): acc = body(iv, acc); returns acc.
  Value reduce(Value ub, Value init, function_ref<Value(Value, Value)> body) {
    return reduce(c0, ub, c1, init, body);
  }
  /// if (cond) body()
  void ifThen(Value cond, function_ref<void()> body) {
    scf::IfOp::create(b, loc, cond, [&](OpBuilder &, Location) {
      body();
      scf::YieldOp::create(b, loc);
    });
  }

  Value allocRow(Value size) {
    auto type = MemRefType::get({ShapedType::kDynamic}, b.getF32Type());
    return memref::AllocOp::create(b, loc, type, ValueRange{size});
  }
  void dealloc(Value buffer) { memref::DeallocOp::create(b, loc, buffer); }

  OpBuilder &b;
  Location loc;
  Value c0, c1;
};

} // namespace msa
} // namespace mlir

#endif // MSA_CONVERSION_LOOPBUILDER_H
