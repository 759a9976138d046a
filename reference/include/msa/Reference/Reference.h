//===- Reference.h - Double precision reference of the MSA op ---*- C++ -*-===//
//
// Double precision host reference for AlphaFold3's MSA pair weighted
// averaging with gating, forward and backward. forward()/backward() follow
// the kernels' formulation (per-row mask maximum `kmax` subtracted before the
// softmax, log-sum-exp `lse` saved for the backward pass); the bruteForce*
// functions are an independent, deliberately naive formulation used only to
// check them.
//
// All tensors are dense and row-major (PyTorch layout):
//   v, g, out, dout, dv, dg : [B, S, R, H, C]
//   bias, dbias, weights    : [B, R, R, H]   index [b, i, j, h]
//   pairMask (optional)     : [B, R, R]      index [b, i, j]
//   msaMask (optional)      : [B, S, R]      index [b, s, j]
//   lse                     : [B, H, R]      index [b, h, i]
//
// Math:
//   x[b,i,j,h]    = bias[b,i,j,h] + inf * (pairMask[b,i,j] - 1)
//   kmax[b,i,h]   = max_j inf * (pairMask[b,i,j] - 1)   (0 without pair mask)
//   lse[b,h,i]    = log sum_j exp(x[b,i,j,h] - kmax[b,i,h])
//   W[b,i,j,h]    = exp(x - kmax - lse)                 (softmax over j)
//   v'            = v * msaMask[b,s,j]
//   O[b,s,i,h,c]  = sum_j W[b,i,j,h] * v'[b,s,j,h,c]
//   out           = sigmoid(g) * O
// x - kmax is evaluated as bias + (maskTerm - kmax), so with 0/1 masks the
// mask terms cancel exactly and a row whose entries are all masked gives
// softmax(bias) over that row.
//
//===----------------------------------------------------------------------===//

#ifndef MSA_REFERENCE_REFERENCE_H
#define MSA_REFERENCE_REFERENCE_H

#include <cstdint>

namespace msa::reference {

/// Problem sizes: batch B, MSA sequences S, residues R, heads H, channels C.
struct Shape {
  int64_t B = 0, S = 0, R = 0, H = 0, C = 0;

  /// Elements of v, g, out and their gradients: B*S*R*H*C.
  int64_t numV() const { return B * S * R * H * C; }
  /// Elements of bias, dbias and the weights: B*R*R*H.
  int64_t numBias() const { return B * R * R * H; }
  /// Elements of the pair mask: B*R*R.
  int64_t numPairMask() const { return B * R * R; }
  /// Elements of the MSA mask: B*S*R.
  int64_t numMsaMask() const { return B * S * R; }
  /// Elements of lse: B*H*R.
  int64_t numLse() const { return B * H * R; }
  /// True when every size is >= 0.
  bool valid() const { return B >= 0 && S >= 0 && R >= 0 && H >= 0 && C >= 0; }
};

/// Inputs of the operation. `v`, `bias` and `gate` are required (they may be
/// null only when the corresponding tensor has no elements); the masks are
/// optional and expected to hold 0 or 1. `inf` must be finite and positive.
struct Inputs {
  const double *v = nullptr;
  const double *bias = nullptr;
  const double *gate = nullptr;
  const double *pairMask = nullptr;
  const double *msaMask = nullptr;
  double inf = 1e8;
};

/// Numerically stable logistic function 1 / (1 + exp(-x)).
double sigmoid(double x);

/// Softmax weights W [B,R,R,H] and (if `lse` is non-null) lse [B,H,R],
/// computed the way forward() does (kmax subtraction, stabilised
/// log-sum-exp). Returns false, writing nothing, if the shape is invalid or a
/// required pointer is null for a non-empty tensor.
bool weights(const Shape &shape, const Inputs &in, double *w, double *lse);

/// Forward pass: out [B,S,R,H,C] and, if `lse` is non-null, lse [B,H,R].
/// Returns false, writing nothing, on an invalid shape or a null required
/// pointer for a non-empty tensor; sizes of 0 are a successful no-op.
bool forward(const Shape &shape, const Inputs &in, double *out, double *lse);

/// Backward pass: dv, dbias and dg from dout, recomputing the forward pass.
///   D[b,i,h]  = sum_{s,c} dout * out
///   dO'       = dout * sigmoid(g);   dg = dout * out * (1 - sigmoid(g))
///   dv        = (sum_i W[b,i,j,h] * dO'[b,s,i,h,c]) * msaMask[b,s,j]
///   dW[b,i,j,h] = sum_{s,c} dO'[b,s,i,h,c] * v'[b,s,j,h,c]
///   dbias     = W * (dW - D)
/// The outputs must not overlap the inputs or each other. Returns false,
/// writing nothing, on invalid arguments (as forward()).
bool backward(const Shape &shape, const Inputs &in, const double *dout,
              double *dv, double *dbias, double *dg);

/// Brute-force weights: materialises the logits x and applies a plain
/// softmax exp(x - rowmax(x)) / sum, without the kmax trick. With a row whose
/// entries are all masked, x - rowmax(x) is rounded at the magnitude of
/// `inf` (about 1.5e-8 absolute for inf = 1e8) unless bias lies on a grid
/// that makes bias - inf exact.
bool bruteForceWeights(const Shape &shape, const Inputs &in, double *w);

/// Brute-force forward: materialises x, W (plain softmax), v', the full
/// [B,S,R,R,H,C] product W * v' and sums it over j naively. `lse` (nullable)
/// is rowmax(x) + log(sum exp(x - rowmax(x))) - kmax with kmax computed
/// separately. Same argument rules as forward().
bool bruteForceForward(const Shape &shape, const Inputs &in, double *out,
                       double *lse);

/// Brute-force backward: materialises W (plain softmax), O, dW, and applies
/// the full softmax Jacobian dx_j = sum_k dW_k W_k (delta_kj - W_j) instead
/// of the D shortcut; dg = dout * O * s * (1 - s). Same argument rules as
/// backward().
bool bruteForceBackward(const Shape &shape, const Inputs &in,
                        const double *dout, double *dv, double *dbias,
                        double *dg);

} // namespace msa::reference

#endif // MSA_REFERENCE_REFERENCE_H
