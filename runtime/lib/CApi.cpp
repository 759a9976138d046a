//===- CApi.cpp - C ABI of the msa runtime --------------------------------===//
//
// Thin wrappers from msa_runtime.h onto msa::runtime::Runtime.
//
//===----------------------------------------------------------------------===//

#include "msa/Runtime/msa_runtime.h"

#include "CApiArgs.h"
#include "msa/Runtime/Runtime.h"

#include <algorithm>
#include <cstring>

struct msa_runtime {
  std::unique_ptr<msa::runtime::Runtime> impl;
};

namespace msa::runtime {

namespace {
/// The enums as plain int32_t, so that any value a caller stores is
/// refused with its number rather than converted.
Status enums(int32_t dtype, int32_t precision, const char *function, DType &d,
             Precision &p) {
  if (dtype < MSA_DTYPE_BF16 || dtype > MSA_DTYPE_F32)
    return Status::error(std::string(function) + ": unknown dtype " +
                         std::to_string(dtype));
  if (precision != MSA_PRECISION_IEEE && precision != MSA_PRECISION_TF32)
    return Status::error(std::string(function) + ": unknown precision " +
                         std::to_string(precision));
  d = static_cast<DType>(dtype);
  p = static_cast<Precision>(precision);
  return Status::success();
}

template <size_t N>
void copyStrides(const int64_t (&from)[N], std::array<int64_t, N> &to) {
  std::copy_n(from, N, to.begin());
}
} // namespace

Status fromC(const msa_forward_args &a, const char *function, ForwardArgs &f) {
  if (Status s = enums(a.dtype, a.precision, function, f.dtype, f.precision);
      !s)
    return s;
  f.B = a.B;
  f.S = a.S;
  f.R = a.R;
  f.H = a.H;
  f.C = a.C;
  f.v = a.v;
  f.bias = a.bias;
  f.gate = a.gate;
  f.pairMask = a.pair_mask;
  f.msaMask = a.msa_mask;
  f.out = a.out;
  f.lse = a.lse;
  copyStrides(a.v_strides, f.vStrides);
  copyStrides(a.gate_strides, f.gateStrides);
  copyStrides(a.out_strides, f.outStrides);
  copyStrides(a.bias_strides, f.biasStrides);
  copyStrides(a.pair_mask_strides, f.pairMaskStrides);
  copyStrides(a.msa_mask_strides, f.msaMaskStrides);
  f.inf = a.inf;
  return Status::success();
}

Status fromC(const msa_backward_args &a, const char *function,
             BackwardArgs &b) {
  if (Status s = enums(a.dtype, a.precision, function, b.dtype, b.precision);
      !s)
    return s;
  b.B = a.B;
  b.S = a.S;
  b.R = a.R;
  b.H = a.H;
  b.C = a.C;
  b.dout = a.dout;
  b.v = a.v;
  b.bias = a.bias;
  b.gate = a.gate;
  b.out = a.out;
  b.lse = a.lse;
  b.pairMask = a.pair_mask;
  b.msaMask = a.msa_mask;
  b.dv = a.dv;
  b.dbias = a.dbias;
  b.dgate = a.dgate;
  copyStrides(a.dout_strides, b.doutStrides);
  copyStrides(a.v_strides, b.vStrides);
  copyStrides(a.gate_strides, b.gateStrides);
  copyStrides(a.out_strides, b.outStrides);
  copyStrides(a.dv_strides, b.dvStrides);
  copyStrides(a.dgate_strides, b.dgateStrides);
  copyStrides(a.bias_strides, b.biasStrides);
  copyStrides(a.dbias_strides, b.dbiasStrides);
  copyStrides(a.pair_mask_strides, b.pairMaskStrides);
  copyStrides(a.msa_mask_strides, b.msaMaskStrides);
  b.inf = a.inf;
  return Status::success();
}

} // namespace msa::runtime

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
  ForwardArgs f;
  if (int rc = report(fromC(*a, "msa_forward", f), error, errorSize))
    return rc;
  return report(runtime->impl->forward(f, static_cast<CUstream_st *>(stream)),
                error, errorSize);
}

extern "C" int msa_backward(msa_runtime *runtime, const msa_backward_args *a,
                            void *stream, char *error, size_t errorSize) {
  using namespace msa::runtime;
  if (!runtime || !a)
    return report(Status::error("msa_backward: null argument"), error,
                  errorSize);
  BackwardArgs b;
  if (int rc = report(fromC(*a, "msa_backward", b), error, errorSize))
    return rc;
  return report(runtime->impl->backward(b, static_cast<CUstream_st *>(stream)),
                error, errorSize);
}
