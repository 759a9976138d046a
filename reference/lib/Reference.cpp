//===- Reference.cpp - Double precision reference of the MSA op -----------===//
//
// Implements msa/Reference/Reference.h. forward()/backward() share one weight
// computation that mirrors the kernels (kmax subtraction, stabilised
// log-sum-exp, the D shortcut in the softmax backward). The bruteForce*
// functions share nothing with them: they materialise every intermediate
// tensor, use a plain softmax and the full softmax Jacobian.
//
//===----------------------------------------------------------------------===//

#include "msa/Reference/Reference.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace msa::reference {

namespace {

/// Row-major index helpers for the tensors of one Shape.
struct Layout {
  int64_t B, S, R, H, C;

  explicit Layout(const Shape &s) : B(s.B), S(s.S), R(s.R), H(s.H), C(s.C) {}

  /// v, g, out: [B,S,R,H,C].
  int64_t v(int64_t b, int64_t s, int64_t j, int64_t h, int64_t c) const {
    return (((b * S + s) * R + j) * H + h) * C + c;
  }
  /// bias, weights: [B,R,R,H].
  int64_t bias(int64_t b, int64_t i, int64_t j, int64_t h) const {
    return ((b * R + i) * R + j) * H + h;
  }
  /// pairMask: [B,R,R].
  int64_t pair(int64_t b, int64_t i, int64_t j) const {
    return (b * R + i) * R + j;
  }
  /// msaMask: [B,S,R].
  int64_t msa(int64_t b, int64_t s, int64_t j) const {
    return (b * S + s) * R + j;
  }
  /// lse: [B,H,R].
  int64_t lse(int64_t b, int64_t h, int64_t i) const {
    return (b * H + h) * R + i;
  }
};

/// A required pointer may be null only if its tensor is empty.
bool present(const void *p, int64_t n) { return p != nullptr || n == 0; }

bool validInputs(const Shape &shape, const Inputs &in) {
  return shape.valid() && present(in.v, shape.numV()) &&
         present(in.bias, shape.numBias()) && present(in.gate, shape.numV());
}

std::vector<double> zeros(int64_t n) {
  return std::vector<double>(static_cast<size_t>(n), 0.0);
}

/// Mask term inf * (pairMask - 1), 0 without a pair mask.
double pairMaskTerm(const Inputs &in, const Layout &l, int64_t b, int64_t i,
                    int64_t j) {
  return in.pairMask ? in.inf * (in.pairMask[l.pair(b, i, j)] - 1.0) : 0.0;
}

/// msaMask[b,s,j], 1 without an MSA mask.
double msaMaskValue(const Inputs &in, const Layout &l, int64_t b, int64_t s,
                    int64_t j) {
  return in.msaMask ? in.msaMask[l.msa(b, s, j)] : 1.0;
}

/// Kernel-style weights: W and lse via kmax subtraction. Inputs validated.
void computeWeights(const Shape &shape, const Inputs &in, double *w,
                    double *lse) {
  Layout l(shape);
  std::vector<double> shifted(static_cast<size_t>(shape.R));
  for (int64_t b = 0; b < shape.B; ++b) {
    for (int64_t i = 0; i < shape.R; ++i) {
      // The row's largest mask term; it does not depend on h.
      double kmax = 0.0;
      if (in.pairMask) {
        kmax = -std::numeric_limits<double>::infinity();
        for (int64_t j = 0; j < shape.R; ++j)
          kmax = std::max(kmax, pairMaskTerm(in, l, b, i, j));
      }
      for (int64_t h = 0; h < shape.H; ++h) {
        // x - kmax = bias + (maskTerm - kmax): the mask terms cancel first,
        // exactly for 0/1 masks, before bias is added.
        double rowMax = -std::numeric_limits<double>::infinity();
        for (int64_t j = 0; j < shape.R; ++j) {
          double y = in.bias[l.bias(b, i, j, h)] +
                     (pairMaskTerm(in, l, b, i, j) - kmax);
          shifted[j] = y;
          rowMax = std::max(rowMax, y);
        }
        double sum = 0.0;
        for (int64_t j = 0; j < shape.R; ++j)
          sum += std::exp(shifted[j] - rowMax);
        double rowLse = rowMax + std::log(sum);
        for (int64_t j = 0; j < shape.R; ++j)
          w[l.bias(b, i, j, h)] = std::exp(shifted[j] - rowLse);
        if (lse)
          lse[l.lse(b, h, i)] = rowLse;
      }
    }
  }
}

/// O[b,s,i,h,c] = sum_j W[b,i,j,h] * v'[b,s,j,h,c]. Inputs validated.
void computeAverage(const Shape &shape, const Inputs &in, const double *w,
                    double *o) {
  Layout l(shape);
  const int64_t hc = shape.H * shape.C;
  std::vector<double> acc(static_cast<size_t>(hc));
  for (int64_t b = 0; b < shape.B; ++b) {
    for (int64_t s = 0; s < shape.S; ++s) {
      for (int64_t i = 0; i < shape.R; ++i) {
        std::fill(acc.begin(), acc.end(), 0.0);
        for (int64_t j = 0; j < shape.R; ++j) {
          double m = msaMaskValue(in, l, b, s, j);
          for (int64_t h = 0; h < shape.H; ++h) {
            double wij = w[l.bias(b, i, j, h)];
            const double *vRow = in.v + l.v(b, s, j, h, 0);
            for (int64_t c = 0; c < shape.C; ++c)
              acc[h * shape.C + c] += wij * (vRow[c] * m);
          }
        }
        std::copy(acc.begin(), acc.end(), o + l.v(b, s, i, 0, 0));
      }
    }
  }
}

} // namespace

double sigmoid(double x) {
  if (x >= 0.0)
    return 1.0 / (1.0 + std::exp(-x));
  double e = std::exp(x);
  return e / (1.0 + e);
}

bool weights(const Shape &shape, const Inputs &in, double *w, double *lse) {
  if (!validInputs(shape, in) || !present(w, shape.numBias()))
    return false;
  computeWeights(shape, in, w, lse);
  return true;
}

bool forward(const Shape &shape, const Inputs &in, double *out, double *lse) {
  if (!validInputs(shape, in) || !present(out, shape.numV()))
    return false;
  std::vector<double> w = zeros(shape.numBias());
  computeWeights(shape, in, w.data(), lse);
  computeAverage(shape, in, w.data(), out);
  for (int64_t k = 0; k < shape.numV(); ++k)
    out[k] *= sigmoid(in.gate[k]);
  return true;
}

bool backward(const Shape &shape, const Inputs &in, const double *dout,
              double *dv, double *dbias, double *dg) {
  const int64_t nV = shape.numV(), nBias = shape.numBias();
  if (!validInputs(shape, in) || !present(dout, nV) || !present(dv, nV) ||
      !present(dbias, nBias) || !present(dg, nV))
    return false;
  Layout l(shape);

  std::vector<double> w = zeros(nBias);
  computeWeights(shape, in, w.data(), nullptr);
  std::vector<double> o = zeros(nV);
  computeAverage(shape, in, w.data(), o.data());

  // Gate: dO' = dout * sigmoid(g), dg = dout * out * (1 - sigmoid(g)),
  // D[b,i,h] = sum_{s,c} dout * out.
  std::vector<double> dO = zeros(nV);
  std::vector<double> d = zeros(shape.B * shape.R * shape.H);
  for (int64_t b = 0; b < shape.B; ++b)
    for (int64_t s = 0; s < shape.S; ++s)
      for (int64_t i = 0; i < shape.R; ++i)
        for (int64_t h = 0; h < shape.H; ++h)
          for (int64_t c = 0; c < shape.C; ++c) {
            int64_t k = l.v(b, s, i, h, c);
            double sg = sigmoid(in.gate[k]);
            double out = sg * o[k];
            d[(b * shape.R + i) * shape.H + h] += dout[k] * out;
            dO[k] = dout[k] * sg;
            dg[k] = dout[k] * out * (1.0 - sg);
          }

  // dv' = W^T dO' per (b,h), then dv = dv' * msaMask.
  std::fill(dv, dv + nV, 0.0);
  for (int64_t b = 0; b < shape.B; ++b)
    for (int64_t s = 0; s < shape.S; ++s)
      for (int64_t i = 0; i < shape.R; ++i)
        for (int64_t j = 0; j < shape.R; ++j)
          for (int64_t h = 0; h < shape.H; ++h) {
            double wij = w[l.bias(b, i, j, h)];
            for (int64_t c = 0; c < shape.C; ++c)
              dv[l.v(b, s, j, h, c)] += wij * dO[l.v(b, s, i, h, c)];
          }
  for (int64_t b = 0; b < shape.B; ++b)
    for (int64_t s = 0; s < shape.S; ++s)
      for (int64_t j = 0; j < shape.R; ++j) {
        double m = msaMaskValue(in, l, b, s, j);
        for (int64_t k = l.v(b, s, j, 0, 0), e = k + shape.H * shape.C; k < e;
             ++k)
          dv[k] *= m;
      }

  // dW = sum_{s,c} dO' * v', dbias = W * (dW - D).
  for (int64_t b = 0; b < shape.B; ++b)
    for (int64_t i = 0; i < shape.R; ++i)
      for (int64_t j = 0; j < shape.R; ++j)
        for (int64_t h = 0; h < shape.H; ++h) {
          double dW = 0.0;
          for (int64_t s = 0; s < shape.S; ++s) {
            double m = msaMaskValue(in, l, b, s, j);
            for (int64_t c = 0; c < shape.C; ++c)
              dW += dO[l.v(b, s, i, h, c)] * (in.v[l.v(b, s, j, h, c)] * m);
          }
          int64_t k = l.bias(b, i, j, h);
          dbias[k] = w[k] * (dW - d[(b * shape.R + i) * shape.H + h]);
        }
  return true;
}

//===----------------------------------------------------------------------===//
// Brute force
//===----------------------------------------------------------------------===//

namespace {

/// Logits x = bias + inf * (pairMask - 1), materialised. Inputs validated.
std::vector<double> bruteLogits(const Shape &shape, const Inputs &in) {
  Layout l(shape);
  std::vector<double> x = zeros(shape.numBias());
  for (int64_t b = 0; b < shape.B; ++b)
    for (int64_t i = 0; i < shape.R; ++i)
      for (int64_t j = 0; j < shape.R; ++j)
        for (int64_t h = 0; h < shape.H; ++h) {
          int64_t k = l.bias(b, i, j, h);
          x[k] = in.bias[k];
          if (in.pairMask)
            x[k] += in.inf * (in.pairMask[l.pair(b, i, j)] - 1.0);
        }
  return x;
}

/// Plain softmax of x over j; optionally the lse relative to kmax.
std::vector<double> bruteSoftmax(const Shape &shape, const Inputs &in,
                                 double *lse) {
  Layout l(shape);
  std::vector<double> x = bruteLogits(shape, in);
  std::vector<double> w = zeros(shape.numBias());
  for (int64_t b = 0; b < shape.B; ++b)
    for (int64_t i = 0; i < shape.R; ++i)
      for (int64_t h = 0; h < shape.H; ++h) {
        double mx = -std::numeric_limits<double>::infinity();
        for (int64_t j = 0; j < shape.R; ++j)
          mx = std::max(mx, x[l.bias(b, i, j, h)]);
        double sum = 0.0;
        for (int64_t j = 0; j < shape.R; ++j)
          sum += std::exp(x[l.bias(b, i, j, h)] - mx);
        for (int64_t j = 0; j < shape.R; ++j)
          w[l.bias(b, i, j, h)] = std::exp(x[l.bias(b, i, j, h)] - mx) / sum;
        if (lse) {
          double kmax = 0.0;
          if (in.pairMask) {
            kmax = -std::numeric_limits<double>::infinity();
            for (int64_t j = 0; j < shape.R; ++j)
              kmax =
                  std::max(kmax, in.inf * (in.pairMask[l.pair(b, i, j)] - 1.0));
          }
          lse[l.lse(b, h, i)] = (mx - kmax) + std::log(sum);
        }
      }
  return w;
}

/// v' = v * msaMask, materialised.
std::vector<double> bruteMaskedV(const Shape &shape, const Inputs &in) {
  Layout l(shape);
  std::vector<double> vp(in.v, in.v + shape.numV());
  if (in.msaMask)
    for (int64_t b = 0; b < shape.B; ++b)
      for (int64_t s = 0; s < shape.S; ++s)
        for (int64_t j = 0; j < shape.R; ++j)
          for (int64_t h = 0; h < shape.H; ++h)
            for (int64_t c = 0; c < shape.C; ++c)
              vp[l.v(b, s, j, h, c)] *= in.msaMask[l.msa(b, s, j)];
  return vp;
}

/// O via the full product P[b,s,i,j,h,c] = W[b,i,j,h] * v'[b,s,j,h,c].
std::vector<double> bruteAverage(const Shape &shape,
                                 const std::vector<double> &w,
                                 const std::vector<double> &vp) {
  Layout l(shape);
  const int64_t B = shape.B, S = shape.S, R = shape.R, H = shape.H, C = shape.C;
  auto pIndex = [&](int64_t b, int64_t s, int64_t i, int64_t j, int64_t h,
                    int64_t c) {
    return ((((b * S + s) * R + i) * R + j) * H + h) * C + c;
  };
  std::vector<double> p = zeros(B * S * R * R * H * C);
  for (int64_t b = 0; b < B; ++b)
    for (int64_t s = 0; s < S; ++s)
      for (int64_t i = 0; i < R; ++i)
        for (int64_t j = 0; j < R; ++j)
          for (int64_t h = 0; h < H; ++h)
            for (int64_t c = 0; c < C; ++c)
              p[pIndex(b, s, i, j, h, c)] =
                  w[l.bias(b, i, j, h)] * vp[l.v(b, s, j, h, c)];
  std::vector<double> o = zeros(shape.numV());
  for (int64_t b = 0; b < B; ++b)
    for (int64_t s = 0; s < S; ++s)
      for (int64_t i = 0; i < R; ++i)
        for (int64_t h = 0; h < H; ++h)
          for (int64_t c = 0; c < C; ++c) {
            double sum = 0.0;
            for (int64_t j = 0; j < R; ++j)
              sum += p[pIndex(b, s, i, j, h, c)];
            o[l.v(b, s, i, h, c)] = sum;
          }
  return o;
}

double plainSigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

} // namespace

bool bruteForceWeights(const Shape &shape, const Inputs &in, double *w) {
  if (!validInputs(shape, in) || !present(w, shape.numBias()))
    return false;
  std::vector<double> result = bruteSoftmax(shape, in, nullptr);
  std::copy(result.begin(), result.end(), w);
  return true;
}

bool bruteForceForward(const Shape &shape, const Inputs &in, double *out,
                       double *lse) {
  if (!validInputs(shape, in) || !present(out, shape.numV()))
    return false;
  std::vector<double> w = bruteSoftmax(shape, in, lse);
  std::vector<double> o = bruteAverage(shape, w, bruteMaskedV(shape, in));
  for (int64_t k = 0; k < shape.numV(); ++k)
    out[k] = plainSigmoid(in.gate[k]) * o[k];
  return true;
}

bool bruteForceBackward(const Shape &shape, const Inputs &in,
                        const double *dout, double *dv, double *dbias,
                        double *dg) {
  const int64_t nV = shape.numV(), nBias = shape.numBias();
  if (!validInputs(shape, in) || !present(dout, nV) || !present(dv, nV) ||
      !present(dbias, nBias) || !present(dg, nV))
    return false;
  Layout l(shape);
  const int64_t B = shape.B, S = shape.S, R = shape.R, H = shape.H, C = shape.C;

  std::vector<double> w = bruteSoftmax(shape, in, nullptr);
  std::vector<double> vp = bruteMaskedV(shape, in);
  std::vector<double> o = bruteAverage(shape, w, vp);

  // Gate.
  std::vector<double> dO = zeros(nV);
  for (int64_t k = 0; k < nV; ++k) {
    double sg = plainSigmoid(in.gate[k]);
    dO[k] = dout[k] * sg;
    dg[k] = dout[k] * o[k] * sg * (1.0 - sg);
  }

  // dW[b,i,j,h] = sum_{s,c} dO'[b,s,i,h,c] * v'[b,s,j,h,c].
  std::vector<double> dW = zeros(nBias);
  for (int64_t b = 0; b < B; ++b)
    for (int64_t i = 0; i < R; ++i)
      for (int64_t j = 0; j < R; ++j)
        for (int64_t h = 0; h < H; ++h) {
          double sum = 0.0;
          for (int64_t s = 0; s < S; ++s)
            for (int64_t c = 0; c < C; ++c)
              sum += dO[l.v(b, s, i, h, c)] * vp[l.v(b, s, j, h, c)];
          dW[l.bias(b, i, j, h)] = sum;
        }

  // Full softmax Jacobian: dx_j = sum_k dW_k * W_k * (delta_kj - W_j).
  for (int64_t b = 0; b < B; ++b)
    for (int64_t i = 0; i < R; ++i)
      for (int64_t h = 0; h < H; ++h)
        for (int64_t j = 0; j < R; ++j) {
          double wj = w[l.bias(b, i, j, h)];
          double sum = 0.0;
          for (int64_t k = 0; k < R; ++k) {
            double wk = w[l.bias(b, i, k, h)];
            double jac = wk * ((k == j ? 1.0 : 0.0) - wj);
            sum += dW[l.bias(b, i, k, h)] * jac;
          }
          dbias[l.bias(b, i, j, h)] = sum;
        }

  // dv[b,s,j,h,c] = msaMask[b,s,j] * sum_i W[b,i,j,h] * dO'[b,s,i,h,c].
  for (int64_t b = 0; b < B; ++b)
    for (int64_t s = 0; s < S; ++s)
      for (int64_t j = 0; j < R; ++j)
        for (int64_t h = 0; h < H; ++h)
          for (int64_t c = 0; c < C; ++c) {
            double sum = 0.0;
            for (int64_t i = 0; i < R; ++i)
              sum += w[l.bias(b, i, j, h)] * dO[l.v(b, s, i, h, c)];
            dv[l.v(b, s, j, h, c)] =
                sum * (in.msaMask ? in.msaMask[l.msa(b, s, j)] : 1.0);
          }
  return true;
}

} // namespace msa::reference
