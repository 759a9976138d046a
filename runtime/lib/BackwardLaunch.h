//===- BackwardLaunch.h - What the backward passes its kernels --*- C++ -*-===//
//
// The names under which a backward call offers its values to the four
// kernels of a variant, in launch order:
//   msa_pwa_probs_<dtype>           the forward's probabilities (no lse)
//   msa_pwa_bwd_prep_<kind>_c<C>    dO' = dout*sigmoid(gate), dgate, D
//   msa_pwa_bwd_dv_<kind>_c<C>      dv = (P^T dO') * msa_mask
//   msa_pwa_bwd_dbias_<kind>_c<C>   dbias = P * (dO' v'^T - D)
// and the load-time check that a variant's metadata asks for nothing else.
// As in the forward, one name can mean different tensors in different
// kernels (mask_stride_b is the pair mask's in the first, the msa mask's in
// the third and fourth), so each kernel has its own table.
//
//===----------------------------------------------------------------------===//

#ifndef MSA_RUNTIME_LIB_BACKWARDLAUNCH_H
#define MSA_RUNTIME_LIB_BACKWARDLAUNCH_H

#include "KernelMetadata.h"

#include <array>

namespace msa::runtime {

/// One backward call's launch values: device addresses, sizes and strides
/// in elements. Absent optional tensors have a stand-in address and a 0
/// flag. probs, dop and delta are the scratch buffers.
struct BackwardValues {
  uint64_t bias = 0, pairMask = 0, probs = 0, lse = 0;
  uint64_t dout = 0, v = 0, gate = 0, out = 0, msaMask = 0;
  uint64_t dop = 0, delta = 0;
  uint64_t dv = 0, dbias = 0, dgate = 0;
  int64_t B = 0, S = 0, R = 0, H = 0, C = 0;
  int64_t Rp = 0; // R rounded up to 8: the row pitch of the probabilities
  std::array<int64_t, 4> biasStrides{}, dbiasStrides{};
  std::array<int64_t, 3> pairMaskStrides{}, msaMaskStrides{};
  std::array<int64_t, 5> doutStrides{}, vStrides{}, gateStrides{}, outStrides{},
      dvStrides{}, dgateStrides{};
  bool hasPairMask = false, hasMsaMask = false;
  float inf = 0;
};

/// The sizes grid and scratch expressions may name: B, S, R, H, C, Rp.
const std::vector<std::string> &backwardSizeNames();
SizeTable backwardSizes(const BackwardValues &values);

/// The parameters the runtime supplies to each kernel, by name.
KernelArguments backwardProbsArguments(const BackwardValues &values);
KernelArguments prepArguments(const BackwardValues &values);
KernelArguments dvArguments(const BackwardValues &values);
KernelArguments dbiasArguments(const BackwardValues &values);

/// The kernels of a backward variant, in launch order.
enum class BackwardKernel { Probs, Prep, Dv, Dbias };
constexpr size_t kBackwardKernels = 4;

/// Their entry names for data type `dtype` ("bf16", "f16", "f32"), variant
/// kind `kind` (the dtype, or "tf32") and head dimension `headDim`.
std::array<std::string, kBackwardKernels>
backwardEntries(const std::string &dtype, const std::string &kind,
                int64_t headDim);

/// The scratch buffers the backward's kernels share, which the metadata
/// must list: "probs", "dop" and "delta".
const std::array<const char *, 3> &backwardScratchNames();

/// A backward variant's metadata with its four kernels found.
struct BackwardMetadata {
  VariantMetadata variant;
  std::array<size_t, kBackwardKernels> indices{};
  const KernelInfo &kernel(BackwardKernel k) const {
    return variant.kernels[indices[size_t(k)]];
  }
};

/// Parses `json`, the metadata of backward variant `variant`, and checks
/// that it states "op": "backward", lists the scratch buffers of
/// backwardScratchNames(), and describes the kernels `entries` (in launch
/// order) whose parameters this runtime supplies with the declared types.
Status
loadBackwardMetadata(const std::string &variant, const std::string &json,
                     const std::array<std::string, kBackwardKernels> &entries,
                     BackwardMetadata &result);

/// Checks that no scratch buffer of `metadata` needs more elements with
/// `sizes` than the runtime allocates (`allocated`, by name).
Status
checkScratch(const BackwardMetadata &metadata, const SizeTable &sizes,
             const std::vector<std::pair<std::string, int64_t>> &allocated);

} // namespace msa::runtime

#endif // MSA_RUNTIME_LIB_BACKWARDLAUNCH_H
