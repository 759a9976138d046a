//===- ForwardLaunch.h - What the forward passes its kernels ----*- C++ -*-===//
//
// The names under which a forward call offers its values to the two kernels
// of a variant (msa_pwa_probs_<dtype>, then msa_pwa_fwd_<kind>_c<C>), and
// the load-time check that a variant's metadata asks for nothing else. The
// same names mean different tensors in the two kernels (mask_stride_b is
// the pair mask's in the first, the msa mask's in the second), so each
// kernel has its own table.
//
//===----------------------------------------------------------------------===//

#ifndef MSA_RUNTIME_LIB_FORWARDLAUNCH_H
#define MSA_RUNTIME_LIB_FORWARDLAUNCH_H

#include "KernelMetadata.h"

namespace msa::runtime {

/// One forward call's launch values: device addresses, sizes and strides in
/// elements. Absent optional tensors have a stand-in address and a 0 flag.
struct ForwardValues {
  uint64_t bias = 0, pairMask = 0, probs = 0, lse = 0;
  uint64_t v = 0, gate = 0, msaMask = 0, out = 0;
  int64_t B = 0, S = 0, R = 0, H = 0, C = 0;
  int64_t Rp = 0; // R rounded up to 8: the row pitch of the probabilities
  std::array<int64_t, 4> biasStrides{};
  std::array<int64_t, 3> pairMaskStrides{}, msaMaskStrides{};
  std::array<int64_t, 5> vStrides{}, gateStrides{}, outStrides{};
  bool hasPairMask = false, hasLse = false, hasMsaMask = false;
  float inf = 0;
};

/// The sizes grid expressions may name: B, S, R, H, C, Rp.
const std::vector<std::string> &forwardSizeNames();
SizeTable forwardSizes(const ForwardValues &values);

/// The parameters the runtime supplies to the probabilities kernel and to
/// the GEMM kernel, by name.
KernelArguments probsArguments(const ForwardValues &values);
KernelArguments gemmArguments(const ForwardValues &values);

/// A forward variant's metadata with its two kernels found.
struct ForwardMetadata {
  VariantMetadata variant;
  size_t probsIndex = 0, gemmIndex = 0;
  const KernelInfo &probs() const { return variant.kernels[probsIndex]; }
  const KernelInfo &gemm() const { return variant.kernels[gemmIndex]; }
};

/// Parses `json`, the metadata of variant `variant`, and checks that it
/// describes kernels `probsEntry` and `gemmEntry` whose parameters this
/// runtime supplies with the declared types.
Status loadForwardMetadata(const std::string &variant, const std::string &json,
                           const std::string &probsEntry,
                           const std::string &gemmEntry,
                           ForwardMetadata &result);

} // namespace msa::runtime

#endif // MSA_RUNTIME_LIB_FORWARDLAUNCH_H
