//===- Problem.cpp - Random test problems for the msa op ------------------===//
//
// Implements Problem: random inputs rounded to their element types, poisoned
// outputs, and the float64 reference results on exactly the stored values.
//
//===----------------------------------------------------------------------===//

#include "msa/Reference/Problem.h"

#include <cmath>
#include <cstdio>
#include <limits>

namespace msa::reference {

Tensor::Tensor(ElementType type, std::vector<int64_t> shape)
    : type(type), shape(std::move(shape)) {
  bytes.resize(static_cast<size_t>(numElements()) * elementSize(type));
}

int64_t Tensor::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

void Tensor::assign(const std::vector<double> &values) {
  for (int64_t i = 0, n = numElements(); i < n; ++i)
    storeAs(type, values[i], bytes.data(), i);
}

std::vector<double> Tensor::values() const {
  std::vector<double> result(numElements());
  for (int64_t i = 0, n = numElements(); i < n; ++i)
    result[i] = loadAs(type, bytes.data(), i);
  return result;
}

void Tensor::poison() {
  for (int64_t i = 0, n = numElements(); i < n; ++i)
    storeAs(type, std::numeric_limits<double>::quiet_NaN(), bytes.data(), i);
}

namespace {
/// Random values in [lo, hi), stored into `t`; returns the stored values.
std::vector<double> randomInto(Tensor &t, Rng &rng, double lo, double hi) {
  t.assign(rng.vector(t.numElements(), lo, hi));
  return t.values();
}
} // namespace

Problem::Problem(const ProblemConfig &config) : cfg(config) {
  const Shape &s = cfg.shape;
  std::vector<int64_t> msaShape = {s.B, s.S, s.R, s.H, s.C};
  std::vector<int64_t> pairShape = {s.B, s.R, s.R, s.H};
  Rng rng(cfg.seed);

  v = Tensor(cfg.dtype, msaShape);
  gate = Tensor(cfg.dtype, msaShape);
  dout = Tensor(cfg.dtype, msaShape);
  bias = Tensor(cfg.biasType, pairShape);
  vValues = randomInto(v, rng, -2.0, 2.0);
  gateValues = randomInto(gate, rng, -3.0, 3.0);
  biasValues = randomInto(bias, rng, -4.0, 4.0);
  doutValues = randomInto(dout, rng, -1.0, 1.0);

  if (cfg.pairMask) {
    pairMask = Tensor(cfg.dtype, {s.B, s.R, s.R});
    pairMaskValues.assign(pairMask.numElements(), 0.0);
    std::vector<int64_t> full;
    if (cfg.fullyMaskedRows)
      full.push_back(0);
    rng.fillMask(pairMaskValues.data(), s.B * s.R, s.R, 0.75, full);
    pairMask.assign(pairMaskValues);
  }
  if (cfg.msaMask) {
    msaMask = Tensor(cfg.dtype, {s.B, s.S, s.R});
    msaMaskValues.assign(msaMask.numElements(), 0.0);
    std::vector<int64_t> full;
    if (cfg.fullyMaskedRows && s.B > 0)
      full.push_back((s.B - 1) * s.S);
    rng.fillMask(msaMaskValues.data(), s.B * s.S, s.R, 0.75, full);
    msaMask.assign(msaMaskValues);
  }

  out = Tensor(cfg.dtype, msaShape);
  lse = Tensor(ElementType::F32, {s.B, s.H, s.R});
  dv = Tensor(cfg.dtype, msaShape);
  dgate = Tensor(cfg.dtype, msaShape);
  dbias = Tensor(cfg.biasType, pairShape);
  for (Tensor *t : {&out, &lse, &dv, &dgate, &dbias})
    t->poison();

  refOut.assign(s.numV(), 0.0);
  refLse.assign(s.numLse(), 0.0);
  forward(s, referenceInputs(), refOut.data(), refLse.data());
}

Inputs Problem::referenceInputs() const {
  Inputs in;
  in.v = vValues.data();
  in.bias = biasValues.data();
  in.gate = gateValues.data();
  in.pairMask = cfg.pairMask ? pairMaskValues.data() : nullptr;
  in.msaMask = cfg.msaMask ? msaMaskValues.data() : nullptr;
  in.inf = cfg.inf;
  return in;
}

void Problem::computeBackward() {
  const Shape &s = cfg.shape;
  refDv.assign(s.numV(), 0.0);
  refDgate.assign(s.numV(), 0.0);
  refDbias.assign(s.numBias(), 0.0);
  backward(s, referenceInputs(), doutValues.data(), refDv.data(),
           refDbias.data(), refDgate.data());
}

double Problem::dbiasTermsNorm() const {
  const Shape &s = cfg.shape;
  std::vector<double> w(s.numBias());
  weights(s, referenceInputs(), w.data(), nullptr);
  // W * dW = dbias + W * D, with D[b,i,h] = sum_{s,c} dout * out.
  double sum = 0.0;
  for (int64_t b = 0; b < s.B; ++b)
    for (int64_t i = 0; i < s.R; ++i)
      for (int64_t h = 0; h < s.H; ++h) {
        double d = 0.0;
        for (int64_t q = 0; q < s.S; ++q)
          for (int64_t c = 0; c < s.C; ++c) {
            int64_t k = (((b * s.S + q) * s.R + i) * s.H + h) * s.C + c;
            d += doutValues[k] * refOut[k];
          }
        for (int64_t j = 0; j < s.R; ++j) {
          int64_t k = ((b * s.R + i) * s.R + j) * s.H + h;
          double term = refDbias[k] + w[k] * d;
          sum += term * term;
        }
      }
  return std::sqrt(sum);
}

std::string Problem::describe() const {
  const Shape &s = cfg.shape;
  char buf[256];
  std::snprintf(buf, sizeof(buf),
                "B=%lld S=%lld R=%lld H=%lld C=%lld %s bias=%s pair_mask=%s "
                "msa_mask=%s inf=%g seed=%llu",
                (long long)s.B, (long long)s.S, (long long)s.R, (long long)s.H,
                (long long)s.C, name(cfg.dtype), name(cfg.biasType),
                cfg.pairMask ? "yes" : "no", cfg.msaMask ? "yes" : "no",
                cfg.inf, (unsigned long long)cfg.seed);
  return buf;
}

double tolerance(ElementType dtype, bool tf32) {
  switch (dtype) {
  case ElementType::BF16:
    return 1e-2;
  case ElementType::F16:
    return 5e-3;
  case ElementType::F32:
    return tf32 ? 2e-3 : 1e-5;
  }
  return 0.0;
}

bool checkClose(const char *what, const Tensor &actual,
                const std::vector<double> &reference, double limit,
                std::string &message, double *relErrOut, double scale) {
  std::vector<double> got = actual.values();
  int64_t n = static_cast<int64_t>(got.size());
  int64_t nans = 0;
  for (double x : got)
    nans += std::isnan(x) ? 1 : 0;
  double err = relativeError(got.data(), reference.data(), n);
  if (scale > 0.0) {
    double diff = 0.0;
    for (int64_t k = 0; k < n; ++k)
      diff += (got[k] - reference[k]) * (got[k] - reference[k]);
    err = std::sqrt(diff) / scale;
  }
  if (relErrOut)
    *relErrOut = err;
  char buf[256];
  if (nans) {
    std::snprintf(buf, sizeof(buf), "%s: %lld of %lld elements are NaN", what,
                  (long long)nans, (long long)n);
    message = buf;
    return false;
  }
  if (!(err <= limit)) {
    std::snprintf(buf, sizeof(buf),
                  "%s: relative error %.3e exceeds %.1e (max abs error %.3e)",
                  what, err, limit,
                  maxAbsError(got.data(), reference.data(), n));
    message = buf;
    return false;
  }
  message.clear();
  return true;
}

} // namespace msa::reference
