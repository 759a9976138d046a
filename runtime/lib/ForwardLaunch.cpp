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

KernelArguments probsArguments(const ForwardValues &x) {
  KernelArguments args;
  args.setPointer("bias", x.bias);
  args.setPointer("pair_mask", x.pairMask);
  args.setPointer("probs", x.probs);
  args.setPointer("lse", x.lse);
  args.setSizes(forwardSizes(x));
  // bias [B, R(i), R(j), H]; pair mask [B, R(i), R(j)].
  args.setStrides("bias", "bijh", x.biasStrides.data());
  args.setStrides("mask", "bij", x.pairMaskStrides.data());
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
  args.setSizes(forwardSizes(x));
  // v [B, S, R(j), H, C] is summed over j; gate and out [B, S, R(i), H, C]
  // are indexed by the output row i; the msa mask [B, S, R(j)] masks v's
  // rows. The C stride is 1 (checked) and not passed.
  args.setStrides("v", "bsjh", x.vStrides.data());
  args.setStrides("gate", "bsih", x.gateStrides.data());
  args.setStrides("out", "bsih", x.outStrides.data());
  args.setStrides("mask", "bsj", x.msaMaskStrides.data());
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
