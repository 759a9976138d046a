//===- MSADialect.h - The msa dialect ---------------------------*- C++ -*-===//
//
// Declares the msa dialect and its attributes (the f32 precision mode).
//
//===----------------------------------------------------------------------===//

#ifndef MSA_DIALECT_MSA_IR_MSADIALECT_H
#define MSA_DIALECT_MSA_IR_MSADIALECT_H

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Dialect.h"

#include "msa/Dialect/MSA/IR/MSADialect.h.inc"
#include "msa/Dialect/MSA/IR/MSAEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "msa/Dialect/MSA/IR/MSAAttrs.h.inc"

#endif // MSA_DIALECT_MSA_IR_MSADIALECT_H
