//===- MSAOps.h - msa dialect operations ------------------------*- C++ -*-===//
//
// Declares the msa ops (generated from MSAOps.td) and the layout facts that
// passes share: which operand has which logical dimensions.
//
//===----------------------------------------------------------------------===//

#ifndef MSA_DIALECT_MSA_IR_MSAOPS_H
#define MSA_DIALECT_MSA_IR_MSAOPS_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "msa/Dialect/MSA/IR/MSADialect.h"

#define GET_OP_CLASSES
#include "msa/Dialect/MSA/IR/MSAOps.h.inc"

namespace mlir {
namespace msa {

/// Logical dimension names of the msa operands, in memory order. Each letter
/// is one of B, S, R, H, C (R appears twice in the pair tensors).
namespace layout {
inline constexpr llvm::StringLiteral kMsa = "BSRHC"; // v, gate, out, ...
inline constexpr llvm::StringLiteral kPair = "BRRH"; // bias, weights, dbias
inline constexpr llvm::StringLiteral kPairMask = "BRR";
inline constexpr llvm::StringLiteral kMsaMask = "BSR";
inline constexpr llvm::StringLiteral kLse = "BHR";
} // namespace layout

/// True for the element types msa data operands may have: bf16, f16, f32.
bool isSupportedDataType(Type type);

/// An operand as the shape checks see it: its value (null if absent), its
/// name in messages and its logical dimensions (one of the layout strings).
struct NamedOperand {
  Value value;
  StringRef name;
  StringRef dims;
};

/// Why `operands` are inconsistent (a rank, an element type, or a logical
/// dimension with two static sizes), or an empty string.
std::string explainOperandMismatch(ArrayRef<NamedOperand> operands);

/// Why msa.pair_weighted_average with these operands (optional ones null)
/// and attributes would fail its verifier; an empty string if it would not.
std::string explainInvalidPairWeightedAverage(Value v, Value bias, Value gate,
                                              Value pairMask, Value msaMask,
                                              Value out, Value lse, double inf,
                                              Precision precision);

} // namespace msa
} // namespace mlir

#endif // MSA_DIALECT_MSA_IR_MSAOPS_H
