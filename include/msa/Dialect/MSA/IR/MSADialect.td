//===- MSADialect.td - The msa dialect ---------------------*- tablegen -*-===//
//
// The `msa` dialect: AlphaFold3's MSA pair weighted averaging with gating
// (supplementary Algorithm 10) as one fused op, its gradient, and the three
// unfused steps that frontends emit.
//
//===----------------------------------------------------------------------===//

#ifndef MSA_DIALECT_MSA_IR_MSADIALECT_TD
#define MSA_DIALECT_MSA_IR_MSADIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def MSA_Dialect : Dialect {
  let name = "msa";
  let summary = "MSA pair weighted averaging with gating (AlphaFold3 Algorithm 10)";
  let description = [{
    Ops for the core of AlphaFold3's "MSA pair weighted averaging with gating"
    after its projections. All ops work on memrefs in destination-passing style:
    inputs are read, outputs are written in place, nothing is returned.

    Layouts are the row-major PyTorch layouts that AF3-style models use:

    | tensor | shape | index |
    |---|---|---|
    | v, gate, out, dout, dv, dg | [B, S, R, H, C] | [b, s, j, h, c] |
    | bias, dbias, weights | [B, R, R, H] | [b, i, j, h] |
    | pair mask | [B, R, R] | [b, i, j] |
    | msa mask | [B, S, R] | [b, s, j] |
    | lse | [B, H, R] | [b, h, i] |

    Data operands are bf16, f16 or f32; statistics (lse) are always f32, and
    every accumulation is done in f32.
  }];
  let cppNamespace = "::mlir::msa";
  let useDefaultAttributePrinterParser = 1;
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

class MSA_Op<string mnemonic, list<Trait> traits = []>
    : Op<MSA_Dialect, mnemonic, traits>;

def MSA_Precision : I32EnumAttr<"Precision",
    "how f32 operands are fed to the tensor cores", [
      I32EnumAttrCase<"ieee", 0>,
      I32EnumAttrCase<"tf32", 1>
    ]> {
  let cppNamespace = "::mlir::msa";
  let genSpecializedAttr = 0;
}

def MSA_PrecisionAttr : EnumAttr<MSA_Dialect, MSA_Precision, "precision"> {
  let summary = "f32 precision mode: `ieee` (default, ~1e-6 relative) or `tf32`";
  let description = [{
    Only meaningful when the data operands are f32. `ieee` keeps f32 accuracy
    (about 1e-6 relative error, e.g. through 3xTF32 on the GPU); `tf32` rounds
    the GEMM operands to tf32 (10-bit mantissa) for speed. bf16 and f16 data
    always accumulate in f32 and accept only `ieee`.
  }];
  let assemblyFormat = "`<` $value `>`";
}

#endif // MSA_DIALECT_MSA_IR_MSADIALECT_TD
