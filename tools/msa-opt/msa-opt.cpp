//===- msa-opt.cpp - The msa optimizer driver -------------------*- C++ -*-===//
//
// An mlir-opt-style driver: parses msa IR (and the upstream dialects it is
// written with or lowered to), runs passes given on the command line, prints
// the result. Invalid input produces diagnostics and a non-zero exit.
//
//===----------------------------------------------------------------------===//

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "msa/InitAll.h"

int main(int argc, char **argv) {
  mlir::msa::registerAllPasses();
  mlir::DialectRegistry registry;
  mlir::msa::registerAllDialects(registry);
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "msa optimizer driver\n", registry));
}
