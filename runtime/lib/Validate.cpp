//===- Validate.cpp - Argument checks of the runtime calls ----------------===//
//
// Each call describes its tensors (shape, strides, element size, alignment,
// role) and runs the shared checks over them in a fixed order: problem
// sizes, strides, outputs that overlap themselves, scratch sizes, element
// extents, pointers, and outputs that overlap another tensor.
//
//===----------------------------------------------------------------------===//

#include "Validate.h"

#include <algorithm>
#include <climits>
#include <string>

namespace msa::runtime {

namespace {

/// Row-major strides of `shape` when `strides` is all zeros.
template <size_t N>
std::array<int64_t, N> stridesOrDense(const std::array<int64_t, N> &strides,
                                      const std::array<int64_t, N> &shape) {
  bool dense = true;
  for (int64_t s : strides)
    dense &= s == 0;
  if (!dense)
    return strides;
  // On overflow the strides saturate; the extent check then reports the
  // overflow.
  std::array<int64_t, N> result{};
  int64_t stride = 1;
  for (size_t i = N; i-- > 0;) {
    result[i] = stride;
    if (__builtin_mul_overflow(stride, shape[i] > 0 ? shape[i] : 1, &stride))
      stride = INT64_MAX;
  }
  return result;
}

/// The sizes every call shares.
struct Problem {
  int64_t B, S, R, H, C;
  DType dtype;
  Precision precision;
  double inf;
};

Status checkProblem(const Problem &a) {
  for (auto [name, value] : {std::pair<const char *, int64_t>{"B", a.B},
                             {"S", a.S},
                             {"R", a.R},
                             {"H", a.H},
                             {"C", a.C}})
    if (value < 0)
      return Status::error(std::string(name) + " must be >= 0, got " +
                           std::to_string(value));
  if (a.C != 8 && a.C != 16 && a.C != 32 && a.C != 64)
    return Status::error("unsupported head dimension C = " +
                         std::to_string(a.C) + " (supported: 8, 16, 32, 64)");
  if (a.precision == Precision::TF32 && a.dtype != DType::F32)
    return Status::error(std::string("precision tf32 applies only to f32 "
                                     "data, got ") +
                         dtypeName(a.dtype));
  if (!(a.inf > 0) || a.inf > 3.0e38)
    return Status::error("inf must be positive and finite in f32, got " +
                         std::to_string(a.inf));
  // Sizes the shipped kernels cannot cover: their grids put B*H, row tiles
  // of R and column tiles of S*C on grid dimensions of at most 65535 (the
  // forward's GEMM: (B*H, ceil(R/128), ceil(S*C/128)); its probabilities
  // kernel: (R, B)). validate() needs no metadata; the calls check again the
  // grids that the loaded variant's metadata gives.
  int64_t bh;
  if (__builtin_mul_overflow(a.B, a.H, &bh) || a.B > 65535 || bh > 65535)
    return Status::error("B*H = " + std::to_string(a.B) + "*" +
                         std::to_string(a.H) +
                         " exceeds the supported 65535 (B <= 65535 too)");
  if (a.R > int64_t(65535) * 128)
    return Status::error("R = " + std::to_string(a.R) +
                         " exceeds the supported 65535*128");
  if (a.S > (int64_t(65535) * 64) / a.C)
    return Status::error("S*C = " + std::to_string(a.S) + "*" +
                         std::to_string(a.C) +
                         " exceeds the supported 65535*64");
  return Status::success();
}

/// `count` elements of `elementBytes`, or false on overflow.
bool bytesOf(std::initializer_list<int64_t> factors, size_t elementBytes,
             size_t &bytes) {
  int64_t n = int64_t(elementBytes);
  for (int64_t f : factors)
    if (__builtin_mul_overflow(n, f, &n))
      return false;
  bytes = size_t(n);
  return true;
}

/// One tensor argument as the checks see it.
struct Tensor {
  const char *name = "";
  const void *data = nullptr;
  int rank = 0;
  std::array<int64_t, 5> shape{}, strides{}; // strides resolved
  const char *dims = "";                     // one letter per dimension
  size_t elementBytes = 0, alignment = 0;
  bool required = false; // null is an error when it has elements
  bool output = false;
  bool contiguousInner = false; // the channel dimension C has stride 1
  size_t copyBytes = 0;         // outer strides must be multiples of this
  int64_t extent = 0;           // elements, set by checkPointers()

  template <size_t N>
  Tensor(const char *name, const void *data, const std::array<int64_t, N> &shp,
         const std::array<int64_t, N> &str, const char *dims, size_t bytes)
      : name(name), data(data), rank(int(N)), dims(dims), elementBytes(bytes),
        alignment(bytes) {
    static_assert(N <= 5);
    std::copy(shp.begin(), shp.end(), shape.begin());
    std::copy(str.begin(), str.end(), strides.begin());
  }
  Tensor &isRequired() {
    required = true;
    return *this;
  }
  Tensor &isOutput() {
    output = true;
    return *this;
  }
  Tensor &channelsContiguous() {
    contiguousInner = true;
    return *this;
  }
  /// Read by copies of `bytes`: the address and every stride but the
  /// innermost (contiguous) one must be multiples of it.
  Tensor &copiedBy(size_t bytes) {
    copyBytes = bytes;
    alignment = std::max(alignment, bytes);
    return *this;
  }
};

/// The last element's offset + 1, or -1 on overflow (sizes are >= 0).
int64_t extentOf(const Tensor &t) {
  int64_t last = 0;
  for (int i = 0; i < t.rank; ++i) {
    if (t.shape[i] == 0)
      return 0;
    int64_t term;
    if (__builtin_mul_overflow(t.shape[i] - 1, t.strides[i], &term) ||
        __builtin_add_overflow(last, term, &last))
      return -1;
  }
  return last + 1;
}

/// Strides: contiguous channels, copy granularity, signs; outputs must not
/// reach one element twice.
Status checkStrides(const std::vector<Tensor> &tensors) {
  for (const Tensor &t : tensors)
    if (t.contiguousInner && t.strides[t.rank - 1] != 1)
      return Status::error(std::string(t.name) +
                           ": the channel dimension C must be contiguous "
                           "(stride 1), got stride " +
                           std::to_string(t.strides[t.rank - 1]));
  for (const Tensor &t : tensors) {
    if (!t.copyBytes)
      continue;
    int64_t chunk = int64_t(t.copyBytes / t.elementBytes);
    std::string outer;
    for (int i = 0; i + 1 < t.rank; ++i)
      outer += (i ? ", " : "") + std::string(1, t.dims[i]);
    for (int i = 0; i + 1 < t.rank; ++i)
      if (t.strides[i] % chunk != 0 || t.strides[i] < 0)
        return Status::error(
            std::string(t.name) + ": strides of " + outer +
            " must be non-negative multiples of " + std::to_string(chunk) +
            " elements (" + std::to_string(t.copyBytes) +
            "-byte copies), got stride " + std::to_string(t.strides[i]) +
            " for dimension " + std::to_string(i));
  }
  for (const Tensor &t : tensors)
    for (int i = 0; i < t.rank; ++i)
      if (t.strides[i] < 0)
        return Status::error(std::string(t.name) +
                             ": strides must be non-negative, got stride " +
                             std::to_string(t.strides[i]) + " for dimension " +
                             std::to_string(i));
  // An output must not overlap itself: ordered by stride, each dimension's
  // stride must step over everything the smaller-strided dimensions span.
  for (const Tensor &t : tensors) {
    if (!t.output)
      continue;
    std::array<int, 5> order = {0, 1, 2, 3, 4};
    std::sort(order.begin(), order.begin() + t.rank,
              [&](int x, int y) { return t.strides[x] < t.strides[y]; });
    int64_t span = 1; // elements covered by the dimensions so far
    for (int k = 0; k < t.rank; ++k) {
      int d = order[k];
      if (t.shape[d] <= 1)
        continue;
      if (t.strides[d] < span)
        return Status::error(std::string(t.name) +
                             ": strides make elements overlap " +
                             "(dimension " + std::to_string(d) +
                             " has stride " + std::to_string(t.strides[d]) +
                             " inside a span of " + std::to_string(span) + ")");
      int64_t next;
      if (__builtin_mul_overflow(t.strides[d], t.shape[d], &next))
        break; // checkPointers() reports the overflow
      span = next;
    }
  }
  return Status::success();
}

/// Extents, pointers and alignment; outputs must not overlap any other
/// tensor (the kernels read inputs while they write outputs). With `empty`
/// (no element anywhere) no pointer is needed.
Status checkPointers(std::vector<Tensor> &tensors, bool empty) {
  for (Tensor &t : tensors) {
    t.extent = extentOf(t);
    if (t.extent < 0)
      return Status::error(std::string(t.name) +
                           ": the largest element offset overflows 64 bits");
    size_t bytes;
    if (!bytesOf({t.extent}, t.elementBytes, bytes))
      return Status::error(std::string(t.name) + ": its extent of " +
                           std::to_string(t.extent) +
                           " elements overflows 64 bits in bytes");
    if (empty || t.extent == 0)
      continue;
    if (!t.data) {
      if (t.required)
        return Status::error(std::string(t.name) + " is a null pointer");
      continue;
    }
    if (reinterpret_cast<uintptr_t>(t.data) % t.alignment != 0)
      return Status::error(std::string(t.name) + " pointer " +
                           std::to_string(reinterpret_cast<uintptr_t>(t.data)) +
                           " is not " + std::to_string(t.alignment) +
                           "-byte aligned");
  }
  if (empty)
    return Status::success();
  auto range = [](const Tensor &t) {
    auto begin = reinterpret_cast<uintptr_t>(t.data);
    return std::pair<uintptr_t, uintptr_t>{begin,
                                           begin + t.extent * t.elementBytes};
  };
  for (const Tensor &o : tensors) {
    if (!o.output || !o.data || o.extent == 0)
      continue;
    for (const Tensor &t : tensors) {
      if (&t == &o || !t.data || t.extent == 0)
        continue;
      auto [ob, oe] = range(o);
      auto [tb, te] = range(t);
      if (ob < te && tb < oe)
        return Status::error(std::string(o.name) + " overlaps " + t.name +
                             "; outputs must not alias other tensors");
    }
  }
  return Status::success();
}

/// The probabilities scratch, B*H*R*roundup(R, 8) elements.
Status probsBytes(const Problem &a, size_t &bytes) {
  if (!bytesOf({a.B, a.H, a.R, paddedRows(a.R)}, elementSize(a.dtype), bytes))
    return Status::error("the probabilities buffer B*H*R*roundup(R, 8) "
                         "overflows 64 bits");
  return Status::success();
}

} // namespace

Status validateForward(const ForwardArgs &a, ForwardLayout &layout) {
  Problem problem{a.B, a.S, a.R, a.H, a.C, a.dtype, a.precision, a.inf};
  if (Status s = checkProblem(problem); !s)
    return s;
  std::array<int64_t, 5> msa = {a.B, a.S, a.R, a.H, a.C};
  std::array<int64_t, 4> pair = {a.B, a.R, a.R, a.H};
  std::array<int64_t, 3> pairMask = {a.B, a.R, a.R}, msaMask = {a.B, a.S, a.R};
  layout.v = stridesOrDense(a.vStrides, msa);
  layout.gate = stridesOrDense(a.gateStrides, msa);
  layout.out = stridesOrDense(a.outStrides, msa);
  layout.bias = stridesOrDense(a.biasStrides, pair);
  layout.pairMask = stridesOrDense(a.pairMaskStrides, pairMask);
  layout.msaMask = stridesOrDense(a.msaMaskStrides, msaMask);
  std::array<int64_t, 3> lse = {a.B, a.H, a.R};
  size_t es = elementSize(a.dtype);
  std::vector<Tensor> tensors = {
      Tensor("v", a.v, msa, layout.v, "BSRHC", es)
          .isRequired()
          .channelsContiguous()
          .copiedBy(16),
      Tensor("gate", a.gate, msa, layout.gate, "BSRHC", es)
          .isRequired()
          .channelsContiguous(),
      Tensor("out", a.out, msa, layout.out, "BSRHC", es)
          .isRequired()
          .channelsContiguous()
          .isOutput(),
      Tensor("bias", a.bias, pair, layout.bias, "BRRH", es).isRequired(),
      Tensor("pair_mask", a.pairMask, pairMask, layout.pairMask, "BRR", es),
      Tensor("msa_mask", a.msaMask, msaMask, layout.msaMask, "BSR", es),
      Tensor("lse", a.lse, lse, stridesOrDense<3>({}, lse), "BHR", 4)
          .isOutput()};
  if (Status s = checkStrides(tensors); !s)
    return s;
  size_t probs;
  if (Status s = probsBytes(problem, probs); !s)
    return s;
  return checkPointers(tensors, a.B == 0 || a.R == 0 || a.H == 0);
}

Status validateBackward(const BackwardArgs &a, BackwardLayout &layout) {
  Problem problem{a.B, a.S, a.R, a.H, a.C, a.dtype, a.precision, a.inf};
  if (Status s = checkProblem(problem); !s)
    return s;
  std::array<int64_t, 5> msa = {a.B, a.S, a.R, a.H, a.C};
  std::array<int64_t, 4> pair = {a.B, a.R, a.R, a.H};
  std::array<int64_t, 3> pairMask = {a.B, a.R, a.R}, msaMask = {a.B, a.S, a.R};
  layout.dout = stridesOrDense(a.doutStrides, msa);
  layout.v = stridesOrDense(a.vStrides, msa);
  layout.gate = stridesOrDense(a.gateStrides, msa);
  layout.out = stridesOrDense(a.outStrides, msa);
  layout.dv = stridesOrDense(a.dvStrides, msa);
  layout.dgate = stridesOrDense(a.dgateStrides, msa);
  layout.bias = stridesOrDense(a.biasStrides, pair);
  layout.dbias = stridesOrDense(a.dbiasStrides, pair);
  layout.pairMask = stridesOrDense(a.pairMaskStrides, pairMask);
  layout.msaMask = stridesOrDense(a.msaMaskStrides, msaMask);
  std::array<int64_t, 3> lse = {a.B, a.H, a.R};
  size_t es = elementSize(a.dtype);
  auto msaTensor = [&](const char *name, const void *data,
                       const std::array<int64_t, 5> &strides) {
    return Tensor(name, data, msa, strides, "BSRHC", es)
        .isRequired()
        .channelsContiguous();
  };
  std::vector<Tensor> tensors = {
      msaTensor("dout", a.dout, layout.dout),
      msaTensor("v", a.v, layout.v).copiedBy(16),
      Tensor("bias", a.bias, pair, layout.bias, "BRRH", es).isRequired(),
      msaTensor("gate", a.gate, layout.gate),
      msaTensor("out", a.out, layout.out),
      Tensor("lse", a.lse, lse, stridesOrDense<3>({}, lse), "BHR", 4),
      Tensor("pair_mask", a.pairMask, pairMask, layout.pairMask, "BRR", es),
      Tensor("msa_mask", a.msaMask, msaMask, layout.msaMask, "BSR", es),
      msaTensor("dv", a.dv, layout.dv).isOutput(),
      Tensor("dbias", a.dbias, pair, layout.dbias, "BRRH", es)
          .isRequired()
          .isOutput(),
      msaTensor("dgate", a.dgate, layout.dgate).isOutput()};
  if (Status s = checkStrides(tensors); !s)
    return s;
  if (Status s = probsBytes(problem, layout.probsBytes); !s)
    return s;
  if (!bytesOf({a.B, a.S, a.R, a.H, a.C}, es, layout.dopBytes))
    return Status::error("the dO' buffer B*S*R*H*C overflows 64 bits");
  if (!bytesOf({a.B, a.H, a.R}, 4, layout.deltaBytes))
    return Status::error("the row sums buffer B*H*R overflows 64 bits");
  return checkPointers(tensors, a.B == 0 || a.R == 0 || a.H == 0);
}

Status validate(const ForwardArgs &args) {
  ForwardLayout layout;
  return validateForward(args, layout);
}

Status validate(const BackwardArgs &args) {
  BackwardLayout layout;
  return validateBackward(args, layout);
}

std::vector<MemsetRect> memsetRects(const std::vector<int64_t> &shape,
                                    const std::vector<int64_t> &strides,
                                    size_t elementBytes) {
  struct Dim {
    int64_t size, stride;
  };
  std::vector<Dim> dims;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 0)
      return {};
    if (shape[i] > 1)
      dims.push_back({shape[i], strides[i]});
  }
  std::stable_sort(dims.begin(), dims.end(), [](const Dim &x, const Dim &y) {
    return x.stride < y.stride;
  });
  // A dimension whose stride is the span of the one below continues it.
  std::vector<Dim> merged;
  for (const Dim &d : dims)
    if (!merged.empty() &&
        merged.back().stride * merged.back().size == d.stride)
      merged.back().size *= d.size;
    else
      merged.push_back(d);
  MemsetRect rect;
  rect.width = elementBytes;
  rect.height = 1;
  size_t next = 0;
  if (next < merged.size() && merged[next].stride == 1)
    rect.width = size_t(merged[next++].size) * elementBytes;
  rect.pitch = rect.width;
  if (next < merged.size()) {
    rect.height = size_t(merged[next].size);
    rect.pitch = size_t(merged[next++].stride) * elementBytes;
  }
  // The remaining dimensions are enumerated, the fastest-varying first.
  std::vector<Dim> outer(merged.begin() + next, merged.end());
  int64_t count = 1;
  for (const Dim &d : outer)
    count *= d.size;
  std::vector<MemsetRect> rects;
  rects.reserve(size_t(count));
  std::vector<int64_t> index(outer.size(), 0);
  for (int64_t n = 0; n < count; ++n) {
    int64_t offset = 0;
    for (size_t k = 0; k < outer.size(); ++k)
      offset += index[k] * outer[k].stride;
    rect.offset = uint64_t(offset) * elementBytes;
    rects.push_back(rect);
    for (size_t k = 0; k < outer.size() && ++index[k] == outer[k].size; ++k)
      index[k] = 0;
  }
  return rects;
}

} // namespace msa::runtime
