//===- MSAOps.td - msa dialect operations ------------------*- tablegen -*-===//
//
// The fused op `msa.pair_weighted_average`, its gradient, and the three
// unfused steps (masked softmax, weighted sum, sigmoid gate) that
// `msa-fuse-pair-weighted-average` raises into the fused op.
//
//===----------------------------------------------------------------------===//

#ifndef MSA_DIALECT_MSA_IR_MSAOPS_TD
#define MSA_DIALECT_MSA_IR_MSAOPS_TD

include "msa/Dialect/MSA/IR/MSADialect.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

// Shapes, ranks and element types are checked by the C++ verifiers so that
// every mistake gets a message naming the operand and the dimension.
def MSA_Buffer : AnyTypeOf<[AnyRankedOrUnrankedMemRef]>;
defvar In = [MemRead];
defvar Out = [MemWrite];

def MSA_InfAttr : DefaultValuedAttr<F64Attr, "1.0e8">;
def MSA_PrecisionDefault
    : DefaultValuedAttr<MSA_PrecisionAttr, "::mlir::msa::Precision::ieee">;

//===----------------------------------------------------------------------===//
// Fused forward
//===----------------------------------------------------------------------===//

def MSA_PairWeightedAverageOp : MSA_Op<"pair_weighted_average",
    [AttrSizedOperandSegments]> {
  let summary = "fused MSA pair weighted averaging with sigmoid gating";
  let description = [{
    Computes, for every batch `b`, MSA row `s`, residue `i`, head `h` and
    channel `c`:

    ```
    x[b,i,j,h]     = bias[b,i,j,h] + inf * (pair_mask[b,i,j] - 1)
    W[b,i,j,h]     = softmax over j of x[b,i,:,h]
    O[b,s,i,h,c]   = sum_j W[b,i,j,h] * v[b,s,j,h,c] * msa_mask[b,s,j]
    out[b,s,i,h,c] = sigmoid(gate[b,s,i,h,c]) * O[b,s,i,h,c]
    ```

    `gate` holds the gate logits (the sigmoid is applied inside). Both masks
    are optional (all ones when absent) and may be bf16, f16 or f32 with
    values in [0, 1]. `inf` (default 1e8; AF3 and OpenFold3 use 1e9, Boltz
    1e6) must be positive and finite in f32 (at most 3.4e38).

    The softmax is evaluated shift-invariantly: each row is first shifted by
    its largest mask term `kmax[b,i,h] = max_j inf * (pair_mask[b,i,j] - 1)`,
    so a row whose entries are all masked yields softmax(bias) over the row
    (never NaN, never a rounding-induced uniform row), exactly like the
    mathematical definition.

    The optional `lse` output ([B, H, R], f32) receives
    `log(sum_j exp(x[b,i,j,h] - kmax[b,i,h]))`, which equals the row's
    log-sum-exp whenever the row has an unmasked entry; the gradient op
    recomputes W from it.

    `v`, `gate` and `out` share one element type (bf16, f16 or f32); `bias`
    has that type or f32. Products and sums accumulate in f32. `precision`
    selects how f32 data reaches the tensor cores (`ieee` or `tf32`); it
    must be `ieee` for bf16 and f16 data.

    Example:

    ```mlir
    msa.pair_weighted_average
        v(%v : memref<2x64x384x8x32xbf16>)
        bias(%bias : memref<2x384x384x8xbf16>)
        gate(%g : memref<2x64x384x8x32xbf16>)
        pair_mask(%pm : memref<2x384x384xbf16>)
        msa_mask(%mm : memref<2x64x384xbf16>)
        out(%out : memref<2x64x384x8x32xbf16>)
        lse(%lse : memref<2x8x384xf32>) {inf = 1.0e+09 : f64}
    ```
  }];

  let arguments = (ins
    Arg<MSA_Buffer, "values [B, S, R, H, C]", In>:$v,
    Arg<MSA_Buffer, "pair bias logits [B, R, R, H]", In>:$bias,
    Arg<MSA_Buffer, "gate logits [B, S, R, H, C]", In>:$gate,
    Arg<Optional<MSA_Buffer>, "pair mask [B, R, R]", In>:$pairMask,
    Arg<Optional<MSA_Buffer>, "MSA mask [B, S, R]", In>:$msaMask,
    Arg<MSA_Buffer, "result [B, S, R, H, C]", Out>:$out,
    Arg<Optional<MSA_Buffer>, "row log-sum-exp [B, H, R], f32", Out>:$lse,
    MSA_InfAttr:$inf,
    MSA_PrecisionDefault:$precision
  );

  let assemblyFormat = [{
    `v` `(` $v `:` type($v) `)`
    `bias` `(` $bias `:` type($bias) `)`
    `gate` `(` $gate `:` type($gate) `)`
    (`pair_mask` `(` $pairMask^ `:` type($pairMask) `)`)?
    (`msa_mask` `(` $msaMask^ `:` type($msaMask) `)`)?
    `out` `(` $out `:` type($out) `)`
    (`lse` `(` $lse^ `:` type($lse) `)`)?
    attr-dict
  }];

  let extraClassDeclaration = [{
    /// The buffers this op writes; absent optional outputs are null.
    SmallVector<Value> getOutputs();
    /// Why this op is invalid (the verifier's message), or an empty string.
    std::string explainInvalid();
  }];

  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

//===----------------------------------------------------------------------===//
// Fused backward
//===----------------------------------------------------------------------===//

def MSA_PairWeightedAverageGradOp : MSA_Op<"pair_weighted_average_grad",
    [AttrSizedOperandSegments]> {
  let summary = "gradient of msa.pair_weighted_average";
  let description = [{
    Given the upstream gradient `dout` and what the forward saved (`out` and
    `lse`, plus its inputs), writes the gradients of `v`, `bias` and `gate`:

    ```
    W       = exp(x - kmax - lse)                  (recomputed, as in the forward)
    D[b,i,h]  = sum_{s,c} dout * out
    dO'     = dout * sigmoid(gate)
    dg      = dout * out * (1 - sigmoid(gate))
    dv      = (sum_i W[b,i,j,h] * dO'[b,s,i,h,c]) * msa_mask[b,s,j]
    dW      = sum_{s,c} dO'[b,s,i,h,c] * v[b,s,j,h,c] * msa_mask[b,s,j]
    dbias   = W * (dW - D)
    ```

    Masked bias entries get the same formula (the logit's derivative with
    respect to the bias is 1), as in the reference modules. Operand rules are
    those of the forward: `dout`, `v`, `gate`, `out`, `dv` and `dg` share one
    element type; `bias` and `dbias` have that type or f32; `lse` is f32.
    Accumulation is f32 and deterministic (no atomics).

    Example:

    ```mlir
    msa.pair_weighted_average_grad
        dout(%dout : memref<1x32x128x8x32xf32>)
        v(%v : memref<1x32x128x8x32xf32>)
        bias(%bias : memref<1x128x128x8xf32>)
        gate(%g : memref<1x32x128x8x32xf32>)
        out(%out : memref<1x32x128x8x32xf32>)
        lse(%lse : memref<1x8x128xf32>)
        dv(%dv : memref<1x32x128x8x32xf32>)
        dbias(%dbias : memref<1x128x128x8xf32>)
        dgate(%dg : memref<1x32x128x8x32xf32>)
    ```
  }];

  let arguments = (ins
    Arg<MSA_Buffer, "upstream gradient [B, S, R, H, C]", In>:$dout,
    Arg<MSA_Buffer, "values [B, S, R, H, C]", In>:$v,
    Arg<MSA_Buffer, "pair bias logits [B, R, R, H]", In>:$bias,
    Arg<MSA_Buffer, "gate logits [B, S, R, H, C]", In>:$gate,
    Arg<MSA_Buffer, "forward result [B, S, R, H, C]", In>:$out,
    Arg<MSA_Buffer, "forward row log-sum-exp [B, H, R], f32", In>:$lse,
    Arg<Optional<MSA_Buffer>, "pair mask [B, R, R]", In>:$pairMask,
    Arg<Optional<MSA_Buffer>, "MSA mask [B, S, R]", In>:$msaMask,
    Arg<MSA_Buffer, "gradient of v [B, S, R, H, C]", Out>:$dv,
    Arg<MSA_Buffer, "gradient of bias [B, R, R, H]", Out>:$dbias,
    Arg<MSA_Buffer, "gradient of gate [B, S, R, H, C]", Out>:$dgate,
    MSA_InfAttr:$inf,
    MSA_PrecisionDefault:$precision
  );

  let assemblyFormat = [{
    `dout` `(` $dout `:` type($dout) `)`
    `v` `(` $v `:` type($v) `)`
    `bias` `(` $bias `:` type($bias) `)`
    `gate` `(` $gate `:` type($gate) `)`
    `out` `(` $out `:` type($out) `)`
    `lse` `(` $lse `:` type($lse) `)`
    (`pair_mask` `(` $pairMask^ `:` type($pairMask) `)`)?
    (`msa_mask` `(` $msaMask^ `:` type($msaMask) `)`)?
    `dv` `(` $dv `:` type($dv) `)`
    `dbias` `(` $dbias `:` type($dbias) `)`
    `dgate` `(` $dgate `:` type($dgate) `)`
    attr-dict
  }];

  let extraClassDeclaration = [{
    /// The buffers this op writes; absent optional outputs are null.
    SmallVector<Value> getOutputs();
    /// Why this op is invalid (the verifier's message), or an empty string.
    std::string explainInvalid();
  }];

  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

//===----------------------------------------------------------------------===//
// Unfused steps
//===----------------------------------------------------------------------===//

def MSA_MaskedSoftmaxOp : MSA_Op<"masked_softmax"> {
  let summary = "softmax over j of the masked pair bias";
  let description = [{
    Step 1 of the unfused chain: writes the attention weights

    ```
    weights[b,i,j,h] = softmax over j of (bias[b,i,j,h] + inf * (pair_mask[b,i,j] - 1))
    ```

    evaluated shift-invariantly as in `msa.pair_weighted_average` (fully
    masked rows give softmax(bias)). `bias` and `weights` are [B, R, R, H];
    the optional pair mask is [B, R, R]. Element types: bf16, f16 or f32,
    any mix; the arithmetic is f32.

    Example:

    ```mlir
    msa.masked_softmax bias(%bias : memref<1x64x64x8xf32>)
        pair_mask(%pm : memref<1x64x64xf32>)
        weights(%w : memref<1x64x64x8xf32>) {inf = 1.0e+09 : f64}
    ```
  }];
  let arguments = (ins
    Arg<MSA_Buffer, "pair bias logits [B, R, R, H]", In>:$bias,
    Arg<Optional<MSA_Buffer>, "pair mask [B, R, R]", In>:$pairMask,
    Arg<MSA_Buffer, "softmax weights [B, R, R, H]", Out>:$weights,
    MSA_InfAttr:$inf
  );
  let assemblyFormat = [{
    `bias` `(` $bias `:` type($bias) `)`
    (`pair_mask` `(` $pairMask^ `:` type($pairMask) `)`)?
    `weights` `(` $weights `:` type($weights) `)`
    attr-dict
  }];
  let hasVerifier = 1;
}

def MSA_WeightedSumOp : MSA_Op<"weighted_sum"> {
  let summary = "weighted average of the MSA values over j";
  let description = [{
    Step 2 of the unfused chain:

    ```
    out[b,s,i,h,c] = sum_j weights[b,i,j,h] * v[b,s,j,h,c] * msa_mask[b,s,j]
    ```

    `weights` is [B, R, R, H], `v` and `out` are [B, S, R, H, C], the
    optional MSA mask is [B, S, R]. Element types: bf16, f16 or f32, any
    mix; the sum accumulates in f32.

    Example:

    ```mlir
    msa.weighted_sum weights(%w : memref<1x64x64x8xf32>)
        v(%v : memref<1x16x64x8x32xf32>)
        out(%o : memref<1x16x64x8x32xf32>)
    ```
  }];
  let arguments = (ins
    Arg<MSA_Buffer, "weights [B, R, R, H]", In>:$weights,
    Arg<MSA_Buffer, "values [B, S, R, H, C]", In>:$v,
    Arg<Optional<MSA_Buffer>, "MSA mask [B, S, R]", In>:$msaMask,
    Arg<MSA_Buffer, "result [B, S, R, H, C]", Out>:$out
  );
  let assemblyFormat = [{
    `weights` `(` $weights `:` type($weights) `)`
    `v` `(` $v `:` type($v) `)`
    (`msa_mask` `(` $msaMask^ `:` type($msaMask) `)`)?
    `out` `(` $out `:` type($out) `)`
    attr-dict
  }];
  let hasVerifier = 1;
}

def MSA_SigmoidGateOp : MSA_Op<"sigmoid_gate"> {
  let summary = "elementwise sigmoid gating";
  let description = [{
    Step 3 of the unfused chain: `out = sigmoid(gate) * input`, elementwise
    over [B, S, R, H, C]. Element types: bf16, f16 or f32, any mix; the
    arithmetic is f32.

    Example:

    ```mlir
    msa.sigmoid_gate input(%o : memref<1x16x64x8x32xf32>)
        gate(%g : memref<1x16x64x8x32xf32>)
        out(%out : memref<1x16x64x8x32xf32>)
    ```
  }];
  let arguments = (ins
    Arg<MSA_Buffer, "weighted sum [B, S, R, H, C]", In>:$input,
    Arg<MSA_Buffer, "gate logits [B, S, R, H, C]", In>:$gate,
    Arg<MSA_Buffer, "result [B, S, R, H, C]", Out>:$out
  );
  let assemblyFormat = [{
    `input` `(` $input `:` type($input) `)`
    `gate` `(` $gate `:` type($gate) `)`
    `out` `(` $out `:` type($out) `)`
    attr-dict
  }];
  let hasVerifier = 1;
}

#endif // MSA_DIALECT_MSA_IR_MSAOPS_TD
