//===- ForwardKernels.h - GPU kernels of the fused forward ------*- C++ -*-===//
//
// Builds the gpu.module that computes msa.pair_weighted_average on NVIDIA
// GPUs, and describes its kernels (entry names, parameter ABI, launch rules)
// for the runtime.
//
// The forward is two kernels:
//   1. `probs`: one CTA per (b, i), one warp per head at a time. Computes the
//      row statistics of the masked bias (largest mask term, max, sum of
//      exponentials; optional lse output) and writes the probabilities
//      P[b, h, i, j] in the data type, rows padded to Rp = roundup(R, 8) so
//      that every row starts 16-byte aligned. P is B*H*R*Rp elements: R^2*H
//      per batch, the size of the bias itself, never S*R^2.
//   2. `fwd`: per (b, h) the tensor-core GEMM out = P x v' with M = R (i),
//      N = S*C ((s, c), c contiguous), K = R (j), in 128x128 tiles of 8 warps
//      each. A CTA has 16 warps and two tiles that share an operand tile
//      (L2 throughput bounds this GEMM): 16-bit data computes 256 rows of
//      one head over each v tile, or, where one head's C channels are under
//      a 32-byte sector (C = 8), 128 rows of two neighbouring heads (each its
//      own P tile) so that the v, gate and out rows it moves are whole
//      sectors. f32 keeps one tile per CTA (two CTAs per SM for tf32, one
//      for 3xTF32). A cp.async pipeline in dynamic shared memory (4 stages of K
//      = 32 for 16-bit data, 4 of K = 16 for f32) with padded rows, ldmatrix (A
//      plain, B transposed) and mma.sync m16n8k16 for bf16/f16, scalar fragment
//      loads and m16n8k8 tf32 MMAs for f32 (three per product in ieee mode),
//      f32 accumulators in registers; the msa mask scales the v tile in shared
//      memory; the epilogue stages the output tile in shared memory: the gate
//      tile comes in by 16-byte copies, sigmoid(gate) * acc is formed in place,
//      and out leaves in 16-byte stores (element-wise where gate or out are not
//      16-byte aligned). Boundary tiles are zero-filled by predicated copies,
//      so any R >= 1 and S >= 1 work. Offsets are 64-bit. Grid:
//      (B*ceil(H/heads), ceil(R/rows), ceil(S*C/128)); a warp whose rows are
//      all beyond R skips its MMAs.
//
//===----------------------------------------------------------------------===//

#ifndef MSA_CONVERSION_MSATOGPU_FORWARDKERNELS_H
#define MSA_CONVERSION_MSATOGPU_FORWARDKERNELS_H

#include "mlir/IR/BuiltinOps.h"

#include <array>
#include <string>
#include <vector>

namespace mlir {
namespace msa {

/// What a forward kernel set is specialized for.
struct ForwardVariant {
  Type dataType;     // bf16, f16 or f32
  int64_t headDim;   // C: 8, 16, 32 or 64
  std::string chip;  // sm_80 or sm_90a
  bool tf32 = false; // f32 only: tf32 operands instead of 3xTF32 (ieee)
  /// sm_90a, bf16/f16, forward: the GEMM issues warpgroup MMAs (wgmma) on
  /// shared-memory descriptors instead of ldmatrix + mma.sync. The kernels
  /// keep their names, parameters, grids and tiles.
  bool wgmma = false;

  /// e.g. "msa_pwa_fwd_bf16_c32_sm_90a"; f32 variants are named "f32"
  /// (ieee) and "tf32".
  std::string name() const;
};

/// One kernel parameter as the runtime passes it.
struct KernelParam {
  std::string name;
  std::string type; // "ptr", "i64" or "f32"
};

/// Everything the runtime needs to launch one kernel.
struct KernelInfo {
  std::string entry;
  std::vector<KernelParam> params;
  std::array<int64_t, 3> block;
  int64_t dynamicSharedBytes = 0;
  /// The grid, as expressions over the problem sizes B, S, R, H, C.
  std::array<std::string, 3> grid;
};

/// Why `variant` cannot be built, or an empty string.
std::string checkForwardVariant(const ForwardVariant &variant);

/// Builds the gpu.module `variant.name()` (with its NVVM target attached) at
/// the end of `module`'s body and returns the kernels it holds, in launch
/// order. The variant must pass checkForwardVariant.
std::vector<KernelInfo> buildForwardKernels(ModuleOp module,
                                            const ForwardVariant &variant);

/// The backward's kernel set for the same specialization, named
/// "msa_pwa_bwd_<kind>_c<C>_<chip>", in launch order:
///   1. `probs` (as in the forward; the row statistics are recomputed, lse
///      is not written);
///   2. `bwd_prep`: one CTA per (b, i): dO' = dout * sigmoid(gate) into a
///      dense [B, S, R, H, C] scratch, dgate = dout * out * (1 -
///      sigmoid(gate)), D[b, h, i] = sum_{s, c} dout * out (f32 scratch);
///   3. `bwd_dv`: the forward's GEMM with P^T as A (k-major tiles,
///      ldmatrix.trans) and dO' as B; dv = msa_mask[b, s, j] * acc;
///   4. `bwd_dbias`: dW = dO' x v'^T per head (M = N = R, K = S*C, 128x128
///      tiles, the msa mask on the v tile) with dbias = P * (dW - D) in the
///      epilogue.
/// Deterministic: no atomics; every sum has a fixed order.
std::string backwardVariantName(const ForwardVariant &variant);
std::vector<KernelInfo> buildBackwardKernels(ModuleOp module,
                                             const ForwardVariant &variant);
/// The square CTA tile (rows i and columns j) of the `bwd_dbias` kernel.
int64_t dbiasTileSize();

/// The CTA tile of `variant`'s `fwd` kernel: BM rows (i) by BN columns
/// ((s, c) of one head) for each of `heads` consecutive heads, K steps of BK
/// (j).
struct ForwardTiles {
  int64_t bm, bn, bk, heads;
};
ForwardTiles forwardTiles(const ForwardVariant &variant);

} // namespace msa
} // namespace mlir

#endif // MSA_CONVERSION_MSATOGPU_FORWARDKERNELS_H
