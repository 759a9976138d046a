//===- CApi.cpp - C ABI of the msa runtime --------------------------------===//
//
// Thin wrappers from msa_runtime.h onto msa::runtime::Runtime.
//
//===----------------------------------------------------------------------===//

#include "msa/Runtime/msa_runtime.h"

#include "msa/Runtime/Runtime.h"

#include <algorithm>
#include <cstring>

struct msa_runtime {
  std::unique_ptr<msa::runtime::Runtime> impl;
};

namespace {
int report(const msa::runtime::Status &status, char *error, size_t size) {
  if (status.ok())
    return 0;
  if (error && size > 0) {
    size_t n = std::min(size - 1, status.message().size());
    std::memcpy(error, status.message().data(), n);
    error[n] = '\0';
  }
  return -1;
}
} // namespace

extern "C" int msa_runtime_create(const char *kernelDir, int device,
                                  msa_runtime **runtime, char *error,
                                  size_t errorSize) {
  using msa::runtime::Status;
  if (!runtime || !kernelDir)
    return report(Status::error("msa_runtime_create: null argument"), error,
                  errorSize);
  *runtime = nullptr;
  auto result = std::make_unique<msa_runtime>();
  if (int rc =
          report(msa::runtime::Runtime::create(kernelDir, result->impl, device),
                 error, errorSize))
    return rc;
  *runtime = result.release();
  return 0;
}

extern "C" void msa_runtime_destroy(msa_runtime *runtime) { delete runtime; }

extern "C" int msa_forward(msa_runtime *runtime, const msa_forward_args *a,
                           void *stream, char *error, size_t errorSize) {
  using namespace msa::runtime;
  if (!runtime || !a)
    return report(Status::error("msa_forward: null argument"), error,
                  errorSize);
  if (a->dtype < MSA_DTYPE_BF16 || a->dtype > MSA_DTYPE_F32)
    return report(
        Status::error("msa_forward: unknown dtype " + std::to_string(a->dtype)),
        error, errorSize);
  ForwardArgs f;
  f.B = a->B;
  f.S = a->S;
  f.R = a->R;
  f.H = a->H;
  f.C = a->C;
  f.dtype = static_cast<DType>(a->dtype);
  f.v = a->v;
  f.bias = a->bias;
  f.gate = a->gate;
  f.pairMask = a->pair_mask;
  f.msaMask = a->msa_mask;
  f.out = a->out;
  f.lse = a->lse;
  std::copy_n(a->v_strides, 5, f.vStrides.begin());
  std::copy_n(a->gate_strides, 5, f.gateStrides.begin());
  std::copy_n(a->out_strides, 5, f.outStrides.begin());
  std::copy_n(a->bias_strides, 4, f.biasStrides.begin());
  std::copy_n(a->pair_mask_strides, 3, f.pairMaskStrides.begin());
  std::copy_n(a->msa_mask_strides, 3, f.msaMaskStrides.begin());
  f.inf = a->inf;
  if (a->precision != MSA_PRECISION_IEEE && a->precision != MSA_PRECISION_TF32)
    return report(Status::error("msa_forward: unknown precision " +
                                std::to_string(a->precision)),
                  error, errorSize);
  f.precision = static_cast<Precision>(a->precision);
  return report(runtime->impl->forward(f, static_cast<CUstream_st *>(stream)),
                error, errorSize);
}
