//===- Passes.td - msa dialect transformation passes -------*- tablegen -*-===//
//
// Passes that rewrite msa IR within the dialect.
//
//===----------------------------------------------------------------------===//

#ifndef MSA_DIALECT_MSA_TRANSFORMS_PASSES_TD
#define MSA_DIALECT_MSA_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def MSAFusePairWeightedAverage
    : Pass<"msa-fuse-pair-weighted-average"> {
  let summary = "Raise masked_softmax -> weighted_sum -> sigmoid_gate into "
                "msa.pair_weighted_average";
  let description = [{
    Finds the unfused chain

    ```mlir
    msa.masked_softmax bias(%bias) [pair_mask(%pm)] weights(%w)
    msa.weighted_sum weights(%w) v(%v) [msa_mask(%mm)] out(%o)
    msa.sigmoid_gate input(%o) gate(%g) out(%out)
    ```

    where `%w` and `%o` are local `memref.alloc` buffers, and replaces it with
    one `msa.pair_weighted_average` at the position of the gate, erasing the
    three ops, both intermediate buffers and their deallocations.

    Preconditions for a rewrite (otherwise the chain is left alone and a
    remark on the gate says why):
    - each intermediate buffer is allocated in the chain's block and used
      only by its writer, its reader and at most one `memref.dealloc`;
    - the three ops are in one block, in chain order, and no op between the
      softmax and the gate may write memory (the fused op reads its inputs
      at the gate's position);
    - the fused op would pass its verifier: `v`, `gate` and `out` share one
      element type, `bias` has it or f32, the sizes agree (also those the
      intermediates hid behind dynamic dimensions), and the gate's output is
      not a view of an input;
    - the static sizes of the intermediate buffers agree with the operands'
      (fusion would otherwise drop the only statement of a contradiction).

    The fused op computes in f32 throughout, so intermediates declared in a
    narrower type are no longer rounded: the result is at least as accurate.
  }];
  let dependentDialects = ["::mlir::msa::MSADialect",
                           "::mlir::memref::MemRefDialect"];
  let statistics = [
    Statistic<"numFused", "num-fused", "Number of chains fused">
  ];
}

#endif // MSA_DIALECT_MSA_TRANSFORMS_PASSES_TD
