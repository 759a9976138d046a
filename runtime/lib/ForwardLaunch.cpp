//===- ForwardLaunch.cpp - What the forward passes its kernels ------------===//
//
// The parameter names here are those msa-codegen gives the forward kernels'
// arguments in the metadata; the launch fills each kernel's parameter array
// from these tables in the order its metadata lists.
//
//===----------------------------------------------------------------------===//

#include "ForwardLaunch.h"

namespace msa::runtime {

const std::vector<std::string> &forwardSizeNames() {
  static const std::vector<std::string> names = {"B", "S", "R", "H", "C", "Rp"};
  return names;
}

SizeTable forwardSizes(const ForwardValues &x) {
  return {{"B", x.B}, {"S", x.S}, {"R", x.R},
          {"H", x.H}, {"C", x.C}, {"Rp", x.Rp}};
}

namespace {
/// The sizes, which both kernels may take.
void setSizes(KernelArguments &args, const ForwardValues &x) {
  for (const auto &[name, value] : forwardSizes(x))
    args.setInt(name, value);
}

template <size_t N>
void setStrides(KernelArguments &args, const std::string &prefix,
                const char *const (&dims)[N],
                const std::array<int64_t, N> &strides) {
  for (size_t i = 0; i < N; ++i)
    args.setInt(prefix + "_stride_" + dims[i], strides[i]);
}
} // namespace

KernelArguments probsArguments(const ForwardValues &x) {
  KernelArguments args;
  args.setPointer("bias", x.bias);
  args.setPointer("pair_mask", x.pairMask);
  args.setPointer("probs", x.probs);
  args.setPointer("lse", x.lse);
  setSizes(args, x);
  // bias [B, R(i), R(j), H]; pair mask [B, R(i), R(j)].
  setStrides<4>(args, "bias", {"b", "i", "j", "h"}, x.biasStrides);
  setStrides<3>(args, "mask", {"b", "i", "j"}, x.pairMaskStrides);
  args.setInt("has_pair_mask", x.hasPairMask);
  args.setInt("has_lse", x.hasLse);
  args.setFloat("inf", x.inf);
  return args;
}

KernelArguments gemmArguments(const ForwardValues &x) {
  KernelArguments args;
  args.setPointer("probs", x.probs);
  args.setPointer("v", x.v);
  args.setPointer("gate", x.gate);
  args.setPointer("msa_mask", x.msaMask);
  args.setPointer("out", x.out);
  setSizes(args, x);
  // v [B, S, R(j), H, C] is summed over j; gate and out [B, S, R(i), H, C]
  // are indexed by the output row i; the msa mask [B, S, R(j)] masks v's
  // rows. The C stride is 1 (checked) and not passed.
  setStrides<4>(args, "v", {"b", "s", "j", "h"},
                {x.vStrides[0], x.vStrides[1], x.vStrides[2], x.vStrides[3]});
  setStrides<4>(
      args, "gate", {"b", "s", "i", "h"},
      {x.gateStrides[0], x.gateStrides[1], x.gateStrides[2], x.gateStrides[3]});
  setStrides<4>(
      args, "out", {"b", "s", "i", "h"},
      {x.outStrides[0], x.outStrides[1], x.outStrides[2], x.outStrides[3]});
  setStrides<3>(args, "mask", {"b", "s", "j"}, x.msaMaskStrides);
  args.setInt("has_msa_mask", x.hasMsaMask);
  return args;
}

Status loadForwardMetadata(const std::string &variant, const std::string &json,
                           const std::string &probsEntry,
                           const std::string &gemmEntry,
                           ForwardMetadata &result) {
  ForwardMetadata metadata;
  if (Status s = parseVariantMetadata(variant, json, forwardSizeNames(),
                                      metadata.variant);
      !s)
    return s;
  // Only names and types matter for the check: any values will do.
  ForwardValues none;
  std::vector<size_t> indices;
  if (Status s =
          findKernels(metadata.variant,
                      {{probsEntry, probsArguments(none)},
                       {gemmEntry, gemmArguments(none)}},
                      "metadata of kernel variant '" + variant + "'", indices);
      !s)
    return s;
  metadata.probsIndex = indices[0];
  metadata.gemmIndex = indices[1];
  result = std::move(metadata);
  return Status::success();
}

} // namespace msa::runtime
