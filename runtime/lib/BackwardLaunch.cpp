//===- BackwardLaunch.cpp - What the backward passes its kernels ----------===//
//
// The parameter names here are those msa-codegen gives the backward
// kernels' arguments in the metadata; the launch fills each kernel's
// parameter array from these tables in the order its metadata lists.
//
//===----------------------------------------------------------------------===//

#include "BackwardLaunch.h"

#include "ForwardLaunch.h"

namespace msa::runtime {

const std::vector<std::string> &backwardSizeNames() {
  // The backward's grids are expressions over the forward's sizes.
  return forwardSizeNames();
}

SizeTable backwardSizes(const BackwardValues &x) {
  return {{"B", x.B}, {"S", x.S}, {"R", x.R},
          {"H", x.H}, {"C", x.C}, {"Rp", x.Rp}};
}

KernelArguments backwardProbsArguments(const BackwardValues &x) {
  // The forward's probabilities kernel with the forward's names; the
  // backward recomputes the row statistics and never asks for lse.
  ForwardValues f;
  f.bias = x.bias;
  f.pairMask = x.pairMask;
  f.probs = x.probs;
  f.lse = x.lse;
  f.B = x.B;
  f.S = x.S;
  f.R = x.R;
  f.H = x.H;
  f.C = x.C;
  f.Rp = x.Rp;
  f.biasStrides = x.biasStrides;
  f.pairMaskStrides = x.pairMaskStrides;
  f.hasPairMask = x.hasPairMask;
  f.hasLse = false;
  f.inf = x.inf;
  return probsArguments(f);
}

KernelArguments prepArguments(const BackwardValues &x) {
  KernelArguments args;
  args.setPointer("dout", x.dout);
  args.setPointer("gate", x.gate);
  args.setPointer("out", x.out);
  args.setPointer("dop", x.dop);
  args.setPointer("dgate", x.dgate);
  args.setPointer("delta", x.delta);
  args.setSizes(backwardSizes(x));
  // All four are indexed by the output row i (C's stride is 1, checked,
  // not passed); dop is dense.
  args.setStrides("dout", "bsih", x.doutStrides.data());
  args.setStrides("gate", "bsih", x.gateStrides.data());
  args.setStrides("out", "bsih", x.outStrides.data());
  args.setStrides("dgate", "bsih", x.dgateStrides.data());
  return args;
}

KernelArguments dvArguments(const BackwardValues &x) {
  KernelArguments args;
  args.setPointer("probs", x.probs);
  args.setPointer("dop", x.dop);
  args.setPointer("msa_mask", x.msaMask);
  args.setPointer("dv", x.dv);
  args.setSizes(backwardSizes(x));
  // dv [B, S, R(j), H, C] = sum_i P[i, j] dO'[i] masked by msa_mask [B, S,
  // R(j)].
  args.setStrides("dv", "bsjh", x.dvStrides.data());
  args.setStrides("mask", "bsj", x.msaMaskStrides.data());
  args.setInt("has_msa_mask", x.hasMsaMask);
  return args;
}

KernelArguments dbiasArguments(const BackwardValues &x) {
  KernelArguments args;
  args.setPointer("probs", x.probs);
  args.setPointer("delta", x.delta);
  args.setPointer("dop", x.dop);
  args.setPointer("v", x.v);
  args.setPointer("msa_mask", x.msaMask);
  args.setPointer("dbias", x.dbias);
  args.setSizes(backwardSizes(x));
  // dW[i, j] = sum_{s,c} dO'[i] v'[j]: v and the msa mask by j; dbias
  // [B, R(i), R(j), H].
  args.setStrides("v", "bsjh", x.vStrides.data());
  args.setStrides("mask", "bsj", x.msaMaskStrides.data());
  args.setStrides("dbias", "bijh", x.dbiasStrides.data());
  args.setInt("has_msa_mask", x.hasMsaMask);
  return args;
}

std::array<std::string, kBackwardKernels>
backwardEntries(const std::string &dtype, const std::string &kind,
                int64_t headDim) {
  std::string suffix = kind + "_c" + std::to_string(headDim);
  return {"msa_pwa_probs_" + dtype, "msa_pwa_bwd_prep_" + suffix,
          "msa_pwa_bwd_dv_" + suffix, "msa_pwa_bwd_dbias_" + suffix};
}

const std::array<const char *, 3> &backwardScratchNames() {
  static const std::array<const char *, 3> names = {"probs", "dop", "delta"};
  return names;
}

Status
loadBackwardMetadata(const std::string &variant, const std::string &json,
                     const std::array<std::string, kBackwardKernels> &entries,
                     BackwardMetadata &result) {
  BackwardMetadata metadata;
  if (Status s = parseVariantMetadata(variant, json, backwardSizeNames(),
                                      metadata.variant);
      !s)
    return s;
  std::string where = "metadata of kernel variant '" + variant + "'";
  if (metadata.variant.op != "backward")
    return Status::error(where + ": \"op\" is " +
                         (metadata.variant.op.empty()
                              ? std::string("missing")
                              : "'" + metadata.variant.op + "'") +
                         "; a backward variant states \"backward\"");
  // The kernels exchange data through these buffers: a variant that does
  // not list one was built for another division of the work.
  for (const char *name : backwardScratchNames())
    if (!metadata.variant.scratchBuffer(name)) {
      std::string listed;
      for (const ScratchInfo &s : metadata.variant.scratch)
        listed += (listed.empty() ? "'" : ", '") + s.name + "'";
      return Status::error(where + " does not list scratch buffer '" + name +
                           "' (it lists " + (listed.empty() ? "none" : listed) +
                           ")");
    }
  // Only names and types matter for the check: any values will do.
  BackwardValues none;
  std::vector<size_t> indices;
  if (Status s = findKernels(metadata.variant,
                             {{entries[0], backwardProbsArguments(none)},
                              {entries[1], prepArguments(none)},
                              {entries[2], dvArguments(none)},
                              {entries[3], dbiasArguments(none)}},
                             where, indices);
      !s)
    return s;
  std::copy(indices.begin(), indices.end(), metadata.indices.begin());
  result = std::move(metadata);
  return Status::success();
}

Status
checkScratch(const BackwardMetadata &metadata, const SizeTable &sizes,
             const std::vector<std::pair<std::string, int64_t>> &allocated) {
  for (const auto &[name, elements] : allocated) {
    const ScratchInfo *info = metadata.variant.scratchBuffer(name);
    if (!info)
      continue;
    int64_t needed;
    if (Status s = info->elements.evaluate(sizes, needed); !s)
      return Status::error("kernel variant '" + metadata.variant.name +
                           "', scratch '" + name + "': " + s.message());
    if (needed > elements)
      return Status::error(
          "kernel variant '" + metadata.variant.name + "' needs " +
          std::to_string(needed) + " elements of scratch '" + name + "' (" +
          info->elements.text() + "); this runtime allocates " +
          std::to_string(elements));
  }
  return Status::success();
}

} // namespace msa::runtime
