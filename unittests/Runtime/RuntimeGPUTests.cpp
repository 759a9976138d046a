//===- RuntimeGPUTests.cpp - The GPU forward vs the float64 reference -----===//
//
// Runs the forward kernels through the runtime on fresh random inputs with
// NaN-poisoned outputs, over odd and real sizes, every supported dtype and
// head dimension, with and without masks (fully masked rows included), and
// checks out and lse against the float64 reference. Skipped where there is
// no CUDA driver or device. Kernels come from $MSA_KERNEL_DIR, or from the
// directory the build generated them into.
//
//===----------------------------------------------------------------------===//

#include "GPUTestSupport.h"

#include <cstdlib>
#include <cstring>

namespace ref = ::msa::reference;
using namespace msa::runtime;
using namespace msa::runtime::test;

namespace {

/// Device copies of a problem's tensors.
struct DeviceProblem {
  DeviceBuffer v, bias, gate, pairMask, msaMask, out, lse;

  Status upload(ref::Problem &p) {
    for (auto [d, t] : {std::pair<DeviceBuffer *, ref::Tensor *>{&v, &p.v},
                        {&bias, &p.bias},
                        {&gate, &p.gate},
                        {&pairMask, &p.pairMask},
                        {&msaMask, &p.msaMask},
                        {&out, &p.out},
                        {&lse, &p.lse}})
      if (Status s = toDevice(*t, *d); !s)
        return s;
    return Status::success();
  }

  ForwardArgs args(const ref::Problem &p, bool tf32 = false) const {
    const ref::Shape &s = p.shape();
    ForwardArgs a;
    a.B = s.B;
    a.S = s.S;
    a.R = s.R;
    a.H = s.H;
    a.C = s.C;
    a.dtype = toDType(p.config().dtype);
    a.v = v.data();
    a.bias = bias.data();
    a.gate = gate.data();
    a.pairMask = p.config().pairMask ? pairMask.data() : nullptr;
    a.msaMask = p.config().msaMask ? msaMask.data() : nullptr;
    a.out = out.data();
    a.lse = static_cast<float *>(lse.data());
    a.inf = p.config().inf;
    a.precision = tf32 ? Precision::TF32 : Precision::IEEE;
    return a;
  }
};

struct Case {
  ref::ElementType dtype;
  int64_t B, S, R, H, C;
  bool masks;
  bool tf32 = false;
};

std::string caseName(const testing::TestParamInfo<Case> &info) {
  const Case &c = info.param;
  return std::string(c.tf32 ? "tf32" : ref::name(c.dtype)) + "_B" +
         std::to_string(c.B) + "_S" + std::to_string(c.S) + "_R" +
         std::to_string(c.R) + "_H" + std::to_string(c.H) + "_C" +
         std::to_string(c.C) + (c.masks ? "_masks" : "");
}

class ForwardGPUTest : public GPUTest,
                       public testing::WithParamInterface<Case> {};

TEST_P(ForwardGPUTest, MatchesReference) {
  const Case &c = GetParam();
  ref::ProblemConfig config;
  config.shape = {c.B, c.S, c.R, c.H, c.C};
  config.dtype = config.biasType = c.dtype;
  config.pairMask = config.msaMask = c.masks;
  config.inf = 1e9;
  config.seed = 7 + c.R * 1000 + c.S * 10 + c.C + c.masks;
  ref::Problem p(config);
  SCOPED_TRACE(p.describe());
  DeviceProblem d;
  Status s = d.upload(p);
  ASSERT_TRUE(s) << s.message();
  s = runtime->forward(d.args(p, c.tf32), nullptr);
  ASSERT_TRUE(s) << s.message();
  s = synchronize(nullptr);
  ASSERT_TRUE(s) << s.message();
  ASSERT_TRUE(d.out.download(p.out.data(), p.out.sizeInBytes()));
  ASSERT_TRUE(d.lse.download(p.lse.data(), p.lse.sizeInBytes()));
  std::string message;
  double err = 0;
  EXPECT_TRUE(ref::checkClose("out", p.out, p.refOut,
                              ref::tolerance(c.dtype, c.tf32), message, &err))
      << message;
  RecordProperty("out_rel_err", std::to_string(err));
  EXPECT_TRUE(ref::checkClose("lse", p.lse, p.refLse, 1e-5, message))
      << message;
}

std::vector<Case> grid() {
  std::vector<Case> cases;
  for (ref::ElementType dt : {ref::ElementType::BF16, ref::ElementType::F16})
    for (int64_t C : {8, 16, 32, 64}) {
      for (auto [R, S] : {std::pair<int64_t, int64_t>{1, 1},
                          {2, 3},
                          {7, 3},
                          {64, 32},
                          {127, 3},
                          {128, 1},
                          {129, 32}})
        for (bool masks : {false, true})
          cases.push_back({dt, 2, S, R, 3, C, masks});
      cases.push_back({dt, 1, 1024, 64, 8, C, true});
      cases.push_back({dt, 1, 32, 384, 8, C, true});
      cases.push_back({dt, 1, 3, 1000, 8, C, false});
    }
  // f32: 3xTF32 (ieee, 1e-5) and tf32 (2e-3).
  for (bool tf32 : {false, true})
    for (int64_t C : {8, 16, 32, 64}) {
      for (auto [R, S] :
           {std::pair<int64_t, int64_t>{1, 1}, {7, 3}, {64, 32}, {129, 32}})
        for (bool masks : {false, true})
          cases.push_back({ref::ElementType::F32, 2, S, R, 3, C, masks, tf32});
      cases.push_back({ref::ElementType::F32, 1, 32, 384, 8, C, true, tf32});
      cases.push_back({ref::ElementType::F32, 1, 3, 1000, 8, C, false, tf32});
    }
  // Long K (inference-size R): f32 accuracy over thousands of terms.
  for (bool tf32 : {false, true})
    cases.push_back({ref::ElementType::F32, 1, 2, 4000, 2, 8, true, tf32});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Grid, ForwardGPUTest, testing::ValuesIn(grid()),
                         caseName);

TEST_F(GPUTest, RepeatedRunsAreBitwiseIdentical) {
  ref::ProblemConfig config;
  config.shape = {2, 32, 200, 8, 32};
  config.dtype = config.biasType = ref::ElementType::BF16;
  config.pairMask = config.msaMask = true;
  ref::Problem p(config);
  DeviceProblem d;
  ASSERT_TRUE(d.upload(p));
  std::vector<uint8_t> first;
  for (int run = 0; run < 3; ++run) {
    ASSERT_TRUE(runtime->forward(d.args(p), nullptr));
    ASSERT_TRUE(synchronize(nullptr));
    ASSERT_TRUE(d.out.download(p.out.data(), p.out.sizeInBytes()));
    std::vector<uint8_t> bytes(p.out.bytes);
    if (run == 0)
      first = bytes;
    else
      EXPECT_EQ(0, std::memcmp(first.data(), bytes.data(), bytes.size()))
          << "run " << run << " differs from run 0";
  }
}

TEST_F(GPUTest, EmbeddedKernelsMatchReference) {
  if (embeddedVariants().empty())
    GTEST_SKIP() << "this build embeds no kernels";
  std::unique_ptr<Runtime> embedded;
  Status s = Runtime::create("", embedded);
  ASSERT_TRUE(s) << s.message();
  ref::ProblemConfig config;
  config.shape = {1, 5, 77, 8, 32};
  config.dtype = config.biasType = ref::ElementType::BF16;
  config.pairMask = config.msaMask = true;
  ref::Problem p(config);
  DeviceProblem d;
  ASSERT_TRUE(d.upload(p));
  s = embedded->forward(d.args(p), nullptr);
  ASSERT_TRUE(s) << s.message();
  ASSERT_TRUE(synchronize(nullptr));
  ASSERT_TRUE(d.out.download(p.out.data(), p.out.sizeInBytes()));
  std::string message;
  EXPECT_TRUE(ref::checkClose("out", p.out, p.refOut,
                              ref::tolerance(config.dtype), message))
      << message;
}

TEST_F(GPUTest, EmptyProblemsAreNoOps) {
  ForwardArgs a;
  a.B = 1;
  a.S = 4;
  a.R = 0;
  a.H = 8;
  a.C = 32;
  Status s = runtime->forward(a, nullptr);
  EXPECT_TRUE(s) << s.message();
}

TEST_F(GPUTest, MissingKernelFileIsReported) {
  std::unique_ptr<Runtime> other;
  ASSERT_TRUE(Runtime::create("/nonexistent-kernels", other));
  ref::ProblemConfig config;
  config.shape = {1, 1, 8, 1, 8};
  config.dtype = config.biasType = ref::ElementType::F16;
  ref::Problem p(config);
  DeviceProblem d;
  ASSERT_TRUE(d.upload(p));
  Status s = other->forward(d.args(p), nullptr);
  ASSERT_FALSE(s);
  EXPECT_NE(s.message().find("cannot read kernel file "
                             "'/nonexistent-kernels/msa_pwa_fwd_f16_c8_"),
            std::string::npos)
      << s.message();
}

} // namespace
