//===- RuntimeBackwardGPUTests.cpp - The GPU backward vs the reference ----===//
//
// Runs the backward kernels through the runtime on fresh random inputs with
// NaN-poisoned outputs, over odd and real sizes, every supported dtype,
// precision and head dimension, with and without masks (fully masked rows
// included), and checks dv, dbias and dgate against the float64 reference:
// dv and dgate by their relative error, dbias relative to the larger of its
// own norm and that of the terms whose difference it is (W * dW and W * D,
// which cancel exactly at R = 1). Also: strided layouts (gaps between
// elements stay untouched), S = 0, bitwise repeatability, the chain from
// the runtime's own forward. Skipped where there is no CUDA driver or
// device.
//
//===----------------------------------------------------------------------===//

#include "GPUTestSupport.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <ostream>

namespace ref = ::msa::reference;
using namespace msa::runtime;
using namespace msa::runtime::test;

namespace {

/// The norm of a vector of doubles.
double norm(const std::vector<double> &x) {
  double sum = 0;
  for (double v : x)
    sum += v * v;
  return std::sqrt(sum);
}

/// The scale dbias errors are measured against.
double dbiasScale(const ref::Problem &p) {
  return std::max(norm(p.refDbias), p.dbiasTermsNorm());
}

/// Checks the three gradients of `p` (downloaded into p.dv, p.dbias,
/// p.dgate) against the reference.
void expectGradientsMatch(ref::Problem &p, bool tf32) {
  double limit = ref::tolerance(p.config().dtype, tf32);
  std::string message;
  double err = 0;
  EXPECT_TRUE(ref::checkClose("dv", p.dv, p.refDv, limit, message, &err))
      << message;
  testing::Test::RecordProperty("dv_rel_err", std::to_string(err));
  EXPECT_TRUE(
      ref::checkClose("dgate", p.dgate, p.refDgate, limit, message, &err))
      << message;
  testing::Test::RecordProperty("dgate_rel_err", std::to_string(err));
  EXPECT_TRUE(ref::checkClose("dbias", p.dbias, p.refDbias, limit, message,
                              &err, dbiasScale(p)))
      << message;
  testing::Test::RecordProperty("dbias_rel_err", std::to_string(err));
}

/// A problem with its reference gradients, whose `out` holds the forward's
/// result rounded to the data type, as the forward hands it over.
ref::ProblemConfig config(ref::ElementType dtype, ref::Shape shape, bool masks,
                          uint64_t seed) {
  ref::ProblemConfig c;
  c.shape = shape;
  c.dtype = c.biasType = dtype;
  c.pairMask = c.msaMask = masks;
  c.inf = 1e9;
  c.seed = seed;
  return c;
}

void prepare(ref::Problem &p) {
  p.computeBackward();
  p.out.assign(p.refOut);
}

/// Device copies of a problem's backward tensors, dense.
struct DeviceBackward {
  DeviceBuffer dout, v, bias, gate, out, pairMask, msaMask, dv, dbias, dgate;

  /// Uploads the inputs and the (NaN-poisoned) outputs.
  Status upload(const ref::Problem &p) {
    for (auto [d, t] :
         {std::pair<DeviceBuffer *, const ref::Tensor *>{&dout, &p.dout},
          {&v, &p.v},
          {&bias, &p.bias},
          {&gate, &p.gate},
          {&out, &p.out},
          {&pairMask, &p.pairMask},
          {&msaMask, &p.msaMask},
          {&dv, &p.dv},
          {&dbias, &p.dbias},
          {&dgate, &p.dgate}})
      if (Status s = toDevice(*t, *d); !s)
        return s;
    return Status::success();
  }

  Status download(ref::Problem &p) const {
    for (auto [d, t] :
         {std::pair<const DeviceBuffer *, ref::Tensor *>{&dv, &p.dv},
          {&dbias, &p.dbias},
          {&dgate, &p.dgate}})
      if (t->sizeInBytes() > 0)
        if (Status s = d->download(t->data(), t->sizeInBytes()); !s)
          return s;
    return Status::success();
  }

  BackwardArgs args(const ref::Problem &p, bool tf32 = false) const {
    const ref::Shape &s = p.shape();
    BackwardArgs a;
    a.B = s.B;
    a.S = s.S;
    a.R = s.R;
    a.H = s.H;
    a.C = s.C;
    a.dtype = toDType(p.config().dtype);
    a.precision = tf32 ? Precision::TF32 : Precision::IEEE;
    a.dout = dout.data();
    a.v = v.data();
    a.bias = bias.data();
    a.gate = gate.data();
    a.out = out.data();
    a.pairMask = p.config().pairMask ? pairMask.data() : nullptr;
    a.msaMask = p.config().msaMask ? msaMask.data() : nullptr;
    a.dv = dv.data();
    a.dbias = dbias.data();
    a.dgate = dgate.data();
    a.inf = p.config().inf;
    return a;
  }
};

struct Case {
  ref::ElementType dtype;
  int64_t B, S, R, H, C;
  bool masks;
  bool tf32 = false;
};

void PrintTo(const Case &c, std::ostream *os) {
  *os << (c.tf32 ? "tf32" : ref::name(c.dtype)) << " B=" << c.B << " S=" << c.S
      << " R=" << c.R << " H=" << c.H << " C=" << c.C
      << (c.masks ? " masks" : "");
}

std::string caseName(const testing::TestParamInfo<Case> &info) {
  const Case &c = info.param;
  return std::string(c.tf32 ? "tf32" : ref::name(c.dtype)) + "_B" +
         std::to_string(c.B) + "_S" + std::to_string(c.S) + "_R" +
         std::to_string(c.R) + "_H" + std::to_string(c.H) + "_C" +
         std::to_string(c.C) + (c.masks ? "_masks" : "");
}

class BackwardGPUTest : public GPUTest,
                        public testing::WithParamInterface<Case> {};

TEST_P(BackwardGPUTest, MatchesReference) {
  const Case &c = GetParam();
  ref::Problem p(config(c.dtype, {c.B, c.S, c.R, c.H, c.C}, c.masks,
                        11 + c.R * 1000 + c.S * 10 + c.C + c.masks + c.tf32));
  prepare(p);
  SCOPED_TRACE(p.describe());
  DeviceBackward d;
  Status s = d.upload(p);
  ASSERT_TRUE(s) << s.message();
  s = runtime->backward(d.args(p, c.tf32), nullptr);
  ASSERT_TRUE(s) << s.message();
  s = synchronize(nullptr);
  ASSERT_TRUE(s) << s.message();
  ASSERT_TRUE(d.download(p));
  expectGradientsMatch(p, c.tf32);
}

/// Every data type and precision, head dimension, odd and real sizes; the
/// reference costs O(B*S*R^2*H*C) in double, so the largest sizes run for
/// some head dimensions only (the whole grid takes about a minute).
std::vector<Case> grid() {
  std::vector<Case> cases;
  const std::pair<ref::ElementType, bool> kinds[] = {
      {ref::ElementType::BF16, false},
      {ref::ElementType::F16, false},
      {ref::ElementType::F32, false},
      {ref::ElementType::F32, true}};
  for (auto [dt, tf32] : kinds)
    for (int64_t C : {8, 16, 32, 64}) {
      for (auto [R, S] : {std::pair<int64_t, int64_t>{1, 1},
                          {2, 3},
                          {7, 3},
                          {64, 32},
                          {127, 3},
                          {128, 1},
                          {129, 32}})
        for (bool masks : {false, true})
          cases.push_back({dt, 2, S, R, 3, C, masks, tf32});
      cases.push_back({dt, 1, 3, 200, 1, C, true, tf32});
      if (C == 8 || C == 32)
        cases.push_back({dt, 1, 32, 384, 8, C, true, tf32});
      if (C == 8)
        cases.push_back({dt, 1, 1024, 64, 8, C, true, tf32});
      if (C == 8 || (dt == ref::ElementType::BF16 && C == 64))
        cases.push_back({dt, 1, 3, 1000, 8, C, false, tf32});
    }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Grid, BackwardGPUTest, testing::ValuesIn(grid()),
                         caseName);

TEST_F(GPUTest, BackwardRepeatedRunsAreBitwiseIdentical) {
  ref::Problem p(config(ref::ElementType::BF16, {2, 32, 200, 8, 32}, true, 3));
  prepare(p);
  DeviceBackward d;
  ASSERT_TRUE(d.upload(p));
  std::vector<uint8_t> first[3];
  for (int run = 0; run < 3; ++run) {
    Status s = runtime->backward(d.args(p), nullptr);
    ASSERT_TRUE(s) << s.message();
    ASSERT_TRUE(synchronize(nullptr));
    ASSERT_TRUE(d.download(p));
    const ref::Tensor *outputs[] = {&p.dv, &p.dbias, &p.dgate};
    for (int k = 0; k < 3; ++k) {
      if (run == 0)
        first[k] = outputs[k]->bytes;
      else
        EXPECT_EQ(first[k], outputs[k]->bytes)
            << (k == 0   ? "dv"
                : k == 1 ? "dbias"
                         : "dgate")
            << ": run " << run << " differs from run 0";
    }
  }
  expectGradientsMatch(p, false);
}

/// A strided copy of a dense tensor: elements at `strides`, every other
/// byte of the `elements`-element buffer set to `fill`.
std::vector<uint8_t> scatter(const ref::Tensor &dense,
                             const std::vector<int64_t> &strides,
                             int64_t elements, uint8_t fill) {
  size_t es = dense.sizeInBytes() / size_t(dense.numElements());
  std::vector<uint8_t> bytes(size_t(elements) * es, fill);
  std::vector<int64_t> index(dense.shape.size(), 0);
  for (int64_t n = 0; n < dense.numElements(); ++n) {
    int64_t offset = 0;
    for (size_t d = 0; d < index.size(); ++d)
      offset += index[d] * strides[d];
    std::memcpy(&bytes[size_t(offset) * es], &dense.bytes[size_t(n) * es], es);
    for (size_t d = index.size(); d-- > 0 && ++index[d] == dense.shape[d];)
      index[d] = 0;
  }
  return bytes;
}

/// The inverse of scatter(): the elements of `bytes` at `strides`, dense in
/// `dense`; returns false if a byte outside the elements is not `fill`.
bool gather(const std::vector<uint8_t> &bytes,
            const std::vector<int64_t> &strides, uint8_t fill,
            ref::Tensor &dense) {
  size_t es = dense.sizeInBytes() / size_t(dense.numElements());
  std::vector<bool> element(bytes.size(), false);
  std::vector<int64_t> index(dense.shape.size(), 0);
  for (int64_t n = 0; n < dense.numElements(); ++n) {
    int64_t offset = 0;
    for (size_t d = 0; d < index.size(); ++d)
      offset += index[d] * strides[d];
    std::memcpy(&dense.bytes[size_t(n) * es], &bytes[size_t(offset) * es], es);
    std::fill_n(element.begin() + offset * int64_t(es), es, true);
    for (size_t d = index.size(); d-- > 0 && ++index[d] == dense.shape[d];)
      index[d] = 0;
  }
  for (size_t b = 0; b < bytes.size(); ++b)
    if (!element[b] && bytes[b] != fill)
      return false;
  return true;
}

TEST_F(GPUTest, BackwardFollowsStridesAndLeavesGapsAlone) {
  // B=2, S=5, R=37, H=3, C=16, f16: inputs permuted or padded, outputs
  // padded, with the gaps filled with a byte pattern that must survive.
  const int64_t B = 2, S = 5, R = 37, H = 3, C = 16;
  ref::Problem p(config(ref::ElementType::F16, {B, S, R, H, C}, true, 5));
  prepare(p);
  SCOPED_TRACE(p.describe());
  const uint8_t fill = 0x5a;
  // [B, S, R, H, C] with R outermost within a batch: strides (b, s, r, h, c).
  const std::vector<int64_t> permuted = {S * R * H * C, H * C, S * H * C, C, 1};
  // Heads padded to 24 channels (v keeps 16-byte rows: 24 * 2 bytes).
  const int64_t hp = 24;
  const std::vector<int64_t> padded = {S * R * H * hp, R * H * hp, H * hp, hp,
                                       1};
  const int64_t paddedElements = B * S * R * H * hp;
  // dbias with 4 slots per (i, j) for H = 3, and rows padded to R + 1.
  const std::vector<int64_t> dbiasStrides = {R * (R + 1) * 4, (R + 1) * 4, 4,
                                             1};
  const int64_t dbiasElements = B * R * (R + 1) * 4;

  std::vector<uint8_t> hostDout =
      scatter(p.dout, permuted, p.dout.numElements(), 0);
  std::vector<uint8_t> hostGate =
      scatter(p.gate, permuted, p.gate.numElements(), 0);
  std::vector<uint8_t> hostOut = scatter(p.out, padded, paddedElements, fill);
  std::vector<uint8_t> hostV = scatter(p.v, padded, paddedElements, fill);
  std::vector<uint8_t> hostDv = scatter(p.dv, padded, paddedElements, fill);
  std::vector<uint8_t> hostDgate =
      scatter(p.dgate, permuted, p.dgate.numElements(), fill);
  std::vector<uint8_t> hostDbias =
      scatter(p.dbias, dbiasStrides, dbiasElements, fill);
  DeviceBuffer dout, gate, out, v, bias, pm, mm, dv, dgate, dbias;
  for (auto [d, h] : {std::pair<DeviceBuffer *, const std::vector<uint8_t> *>{
                          &dout, &hostDout},
                      {&gate, &hostGate},
                      {&out, &hostOut},
                      {&v, &hostV},
                      {&dv, &hostDv},
                      {&dgate, &hostDgate},
                      {&dbias, &hostDbias}})
    ASSERT_TRUE(toDevice(h->data(), h->size(), *d));
  ASSERT_TRUE(toDevice(p.bias, bias));
  ASSERT_TRUE(toDevice(p.pairMask, pm));
  ASSERT_TRUE(toDevice(p.msaMask, mm));

  BackwardArgs a;
  a.B = B;
  a.S = S;
  a.R = R;
  a.H = H;
  a.C = C;
  a.dtype = DType::F16;
  a.dout = dout.data();
  a.v = v.data();
  a.bias = bias.data();
  a.gate = gate.data();
  a.out = out.data();
  a.pairMask = pm.data();
  a.msaMask = mm.data();
  a.dv = dv.data();
  a.dbias = dbias.data();
  a.dgate = dgate.data();
  a.inf = p.config().inf;
  std::copy(permuted.begin(), permuted.end(), a.doutStrides.begin());
  std::copy(permuted.begin(), permuted.end(), a.gateStrides.begin());
  std::copy(permuted.begin(), permuted.end(), a.dgateStrides.begin());
  std::copy(padded.begin(), padded.end(), a.outStrides.begin());
  std::copy(padded.begin(), padded.end(), a.vStrides.begin());
  std::copy(padded.begin(), padded.end(), a.dvStrides.begin());
  std::copy(dbiasStrides.begin(), dbiasStrides.end(), a.dbiasStrides.begin());
  Status s = runtime->backward(a, nullptr);
  ASSERT_TRUE(s) << s.message();
  ASSERT_TRUE(synchronize(nullptr));
  ASSERT_TRUE(dv.download(hostDv.data(), hostDv.size()));
  ASSERT_TRUE(dgate.download(hostDgate.data(), hostDgate.size()));
  ASSERT_TRUE(dbias.download(hostDbias.data(), hostDbias.size()));
  EXPECT_TRUE(gather(hostDv, padded, fill, p.dv)) << "dv: a gap was written";
  EXPECT_TRUE(gather(hostDgate, permuted, fill, p.dgate));
  EXPECT_TRUE(gather(hostDbias, dbiasStrides, fill, p.dbias))
      << "dbias: a gap was written";
  expectGradientsMatch(p, false);
}

TEST_F(GPUTest, BackwardWithoutMsaRowsZeroesDbias) {
  // S = 0: dbias = W * (dW - D) with empty sums, 0; dense and with gaps.
  ref::Problem p(config(ref::ElementType::BF16, {2, 0, 9, 3, 8}, true, 9));
  ASSERT_EQ(p.dbias.numElements(), 2 * 9 * 9 * 3);
  DeviceBuffer bias, pm, dbias;
  ASSERT_TRUE(toDevice(p.bias, bias));
  ASSERT_TRUE(toDevice(p.pairMask, pm));
  ASSERT_TRUE(toDevice(p.dbias, dbias)); // NaN-poisoned
  BackwardArgs a;
  a.B = 2;
  a.S = 0;
  a.R = 9;
  a.H = 3;
  a.C = 8;
  a.bias = bias.data();
  a.pairMask = pm.data();
  a.dbias = dbias.data();
  Status s = runtime->backward(a, nullptr);
  ASSERT_TRUE(s) << s.message();
  ASSERT_TRUE(synchronize(nullptr));
  ASSERT_TRUE(dbias.download(p.dbias.data(), p.dbias.sizeInBytes()));
  for (double x : p.dbias.values())
    ASSERT_EQ(x, 0.0);

  const uint8_t fill = 0xa5;
  const std::vector<int64_t> strides = {9 * 10 * 5, 5, 10 * 5, 1};
  std::vector<uint8_t> host(2 * 9 * 10 * 5 * 2, fill);
  DeviceBuffer gapped;
  ASSERT_TRUE(toDevice(host.data(), host.size(), gapped));
  a.dbias = gapped.data();
  std::copy(strides.begin(), strides.end(), a.dbiasStrides.begin());
  s = runtime->backward(a, nullptr);
  ASSERT_TRUE(s) << s.message();
  ASSERT_TRUE(synchronize(nullptr));
  ASSERT_TRUE(gapped.download(host.data(), host.size()));
  EXPECT_TRUE(gather(host, strides, fill, p.dbias)) << "a gap was written";
  for (double x : p.dbias.values())
    ASSERT_EQ(x, 0.0);
}

TEST_F(GPUTest, BackwardAfterTheForward) {
  // As in training: out and lse from the runtime's forward; the backward
  // takes lse without reading it.
  ref::Problem p(config(ref::ElementType::BF16, {1, 16, 150, 8, 32}, true, 4));
  p.computeBackward();
  DeviceBackward d;
  ASSERT_TRUE(d.upload(p));
  DeviceBuffer lse;
  ASSERT_TRUE(toDevice(p.lse, lse));
  ForwardArgs f;
  f.B = 1;
  f.S = 16;
  f.R = 150;
  f.H = 8;
  f.C = 32;
  f.v = d.v.data();
  f.bias = d.bias.data();
  f.gate = d.gate.data();
  f.pairMask = d.pairMask.data();
  f.msaMask = d.msaMask.data();
  f.out = d.out.data();
  f.lse = static_cast<float *>(lse.data());
  f.inf = p.config().inf;
  Status s = runtime->forward(f, nullptr);
  ASSERT_TRUE(s) << s.message();
  BackwardArgs b = d.args(p);
  b.lse = static_cast<const float *>(lse.data());
  s = runtime->backward(b, nullptr);
  ASSERT_TRUE(s) << s.message();
  ASSERT_TRUE(synchronize(nullptr));
  ASSERT_TRUE(d.download(p));
  expectGradientsMatch(p, false);
}

TEST_F(GPUTest, EmbeddedBackwardKernelsMatchReference) {
  std::vector<std::string> names = embeddedVariants();
  if (std::none_of(names.begin(), names.end(), [](const std::string &n) {
        return n.rfind("msa_pwa_bwd_", 0) == 0;
      }))
    GTEST_SKIP() << "this build embeds no backward kernels";
  std::unique_ptr<Runtime> embedded;
  Status s = Runtime::create("", embedded);
  ASSERT_TRUE(s) << s.message();
  ref::Problem p(config(ref::ElementType::BF16, {1, 5, 77, 8, 32}, true, 6));
  prepare(p);
  DeviceBackward d;
  ASSERT_TRUE(d.upload(p));
  s = embedded->backward(d.args(p), nullptr);
  ASSERT_TRUE(s) << s.message();
  ASSERT_TRUE(synchronize(nullptr));
  ASSERT_TRUE(d.download(p));
  expectGradientsMatch(p, false);
}

TEST_F(GPUTest, BackwardEmptyProblemsAreNoOps) {
  BackwardArgs a;
  a.B = 1;
  a.S = 4;
  a.R = 0;
  a.H = 8;
  a.C = 32;
  Status s = runtime->backward(a, nullptr);
  EXPECT_TRUE(s) << s.message();
}

TEST_F(GPUTest, MissingBackwardKernelFileIsReported) {
  std::unique_ptr<Runtime> other;
  ASSERT_TRUE(Runtime::create("/nonexistent-kernels", other));
  ref::Problem p(config(ref::ElementType::F16, {1, 1, 8, 1, 8}, false, 1));
  prepare(p);
  DeviceBackward d;
  ASSERT_TRUE(d.upload(p));
  Status s = other->backward(d.args(p), nullptr);
  ASSERT_FALSE(s);
  EXPECT_NE(s.message().find("cannot read kernel file "
                             "'/nonexistent-kernels/msa_pwa_bwd_f16_c8_"),
            std::string::npos)
      << s.message();
}

} // namespace
