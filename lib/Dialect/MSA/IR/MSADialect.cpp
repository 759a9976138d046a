//===- MSADialect.cpp - The msa dialect -------------------------*- C++ -*-===//
//
// Registers the msa ops and attributes with the context.
//
//===----------------------------------------------------------------------===//

#include "msa/Dialect/MSA/IR/MSADialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "msa/Dialect/MSA/IR/MSAOps.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::msa;

#include "msa/Dialect/MSA/IR/MSADialect.cpp.inc"
#include "msa/Dialect/MSA/IR/MSAEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "msa/Dialect/MSA/IR/MSAAttrs.cpp.inc"

void MSADialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "msa/Dialect/MSA/IR/MSAOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "msa/Dialect/MSA/IR/MSAAttrs.cpp.inc"
      >();
}
