//===- RuntimeHostTests.cpp - Runtime argument checks without a GPU -------===//
//
// Every check the runtime makes before a launch, exercised on fake device
// addresses (nothing is dereferenced), asserting on the message text.
//
//===----------------------------------------------------------------------===//

#include "msa/Runtime/Runtime.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace msa::runtime;

namespace {

/// A valid dense bf16 problem on fake, well-separated, aligned addresses.
ForwardArgs validArgs() {
  ForwardArgs a;
  a.B = 2;
  a.S = 3;
  a.R = 7;
  a.H = 4;
  a.C = 16;
  a.dtype = DType::BF16;
  auto at = [](uintptr_t gib) { return reinterpret_cast<void *>(gib << 30); };
  a.v = at(1);
  a.bias = at(2);
  a.gate = at(3);
  a.pairMask = at(4);
  a.msaMask = at(5);
  a.out = at(6);
  a.lse = static_cast<float *>(at(7));
  return a;
}

void expectError(const ForwardArgs &a, const std::string &text) {
  Status s = validate(a);
  ASSERT_FALSE(s.ok()) << "expected: " << text;
  EXPECT_NE(s.message().find(text), std::string::npos) << s.message();
}

TEST(RuntimeValidateTest, AcceptsValidArguments) {
  Status s = validate(validArgs());
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST(RuntimeValidateTest, RejectsNullPointers) {
  for (const char *name : {"v", "bias", "gate", "out"}) {
    ForwardArgs a = validArgs();
    if (std::string(name) == "v")
      a.v = nullptr;
    if (std::string(name) == "bias")
      a.bias = nullptr;
    if (std::string(name) == "gate")
      a.gate = nullptr;
    if (std::string(name) == "out")
      a.out = nullptr;
    expectError(a, std::string(name) + " is a null pointer");
  }
}

TEST(RuntimeValidateTest, OptionalTensorsMayBeNull) {
  ForwardArgs a = validArgs();
  a.pairMask = a.msaMask = nullptr;
  a.lse = nullptr;
  Status s = validate(a);
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST(RuntimeValidateTest, RejectsMisalignedPointers) {
  ForwardArgs a = validArgs();
  a.v = static_cast<const char *>(a.v) + 8;
  expectError(a, "v pointer 1073741832 is not 16-byte aligned");
  a = validArgs();
  a.out = static_cast<char *>(a.out) + 1;
  expectError(a, "is not 2-byte aligned");
  a = validArgs();
  a.lse = reinterpret_cast<float *>(reinterpret_cast<char *>(a.lse) + 2);
  expectError(a, "lse pointer");
}

TEST(RuntimeValidateTest, RejectsUnsupportedHeadDimAndDtype) {
  ForwardArgs a = validArgs();
  a.C = 24;
  expectError(a,
              "unsupported head dimension C = 24 (supported: 8, 16, 32, 64)");
  a = validArgs();
  a.precision = Precision::TF32;
  expectError(a, "precision tf32 applies only to f32 data, got bf16");
  a = validArgs();
  a.dtype = DType::F32;
  a.precision = Precision::TF32;
  Status s = validate(a);
  EXPECT_TRUE(s.ok()) << s.message();
  a.vStrides = {3 * 7 * 4 * 16, 7 * 4 * 16, 4 * 16, 18, 1};
  expectError(a, "v: strides of B, S, R, H must be non-negative multiples "
                 "of 4 elements");
}

TEST(RuntimeValidateTest, RejectsNegativeSizes) {
  ForwardArgs a = validArgs();
  a.R = -1;
  expectError(a, "R must be >= 0, got -1");
}

TEST(RuntimeValidateTest, RejectsShapeStrideMismatch) {
  ForwardArgs a = validArgs();
  a.vStrides = {3 * 7 * 4 * 16, 7 * 4 * 16, 4 * 16, 16, 2};
  expectError(a, "v: the channel dimension C must be contiguous (stride 1), "
                 "got stride 2");
  a = validArgs();
  a.vStrides = {3 * 7 * 4 * 16, 7 * 4 * 16, 4 * 16, 12, 1};
  expectError(a, "v: strides of B, S, R, H must be non-negative multiples "
                 "of 8 elements");
  a = validArgs();
  a.biasStrides = {-1, 1, 1, 1};
  expectError(a, "strides must be non-negative");
}

TEST(RuntimeValidateTest, RejectsOverflowingSizes) {
  ForwardArgs a = validArgs();
  a.B = 255;
  a.H = 255;
  a.S = 1;
  a.R = int64_t(65535) * 128;
  a.dtype = DType::F32; // 4-byte elements: the P buffer's bytes overflow
  expectError(a, "overflows 64 bits");
  a = validArgs();
  a.R = int64_t(65535) * 128 + 1;
  expectError(a, "R = 8388481 exceeds the supported 65535*128");
  a = validArgs();
  a.S = int64_t(1) << 40;
  expectError(a, "exceeds the supported 65535*64");
  a = validArgs();
  a.B = 70000;
  expectError(a, "exceeds the supported 65535");
}

TEST(RuntimeValidateTest, RejectsOverlappingOutputs) {
  ForwardArgs a = validArgs();
  a.out = const_cast<void *>(a.gate);
  expectError(a, "out overlaps gate; outputs must not alias other tensors");
  // Heads written to one place: out overlaps itself.
  a = validArgs();
  a.outStrides = {3 * 7 * 4 * 16, 7 * 4 * 16, 4 * 16, 0, 1};
  expectError(a, "out: strides make elements overlap (dimension 3 has "
                 "stride 0 inside a span of 1)");
  // Permuted but disjoint strides are fine.
  a = validArgs();
  a.outStrides = {3 * 7 * 4 * 16, 16, 3 * 4 * 16, 3 * 16, 1};
  Status s = validate(a);
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST(RuntimeValidateTest, RejectsBadInf) {
  ForwardArgs a = validArgs();
  a.inf = -1.0;
  expectError(a, "inf must be positive and finite");
}

TEST(RuntimeValidateTest, EmptyProblemsNeedNoPointers) {
  ForwardArgs a;
  a.B = 1;
  a.S = 4;
  a.R = 0;
  a.H = 8;
  a.C = 32;
  Status s = validate(a);
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST(RuntimeCreateTest, ReportsMissingDriverOrDevice) {
  std::unique_ptr<Runtime> rt;
  Status s = Runtime::create("/nonexistent", rt);
  if (s.ok()) {
    ASSERT_TRUE(rt);
    EXPECT_TRUE(rt->chip() == "sm_80" || rt->chip() == "sm_90a") << rt->chip();
    return;
  }
  // Without a GPU, the error says why (no driver, no device, old chip).
  const std::string &m = s.message();
  EXPECT_TRUE(m.rfind("no CUDA driver", 0) == 0 ||
              m.rfind("no CUDA device", 0) == 0 ||
              m.rfind("cuInit failed", 0) == 0 ||
              m.find("below the required 8.0") != std::string::npos)
      << m;
}

TEST(RuntimeEmbeddedTest, EmbedsEveryShippedVariant) {
  std::vector<std::string> names = embeddedVariants();
#ifdef MSA_EXPECT_EMBEDDED_KERNELS
  // {bf16, f16, f32 (ieee), tf32} x C in {8, 16, 32, 64} x sm_80/sm_90a.
  ASSERT_EQ(names.size(), 32u);
  for (const char *dtype : {"bf16", "f16", "f32", "tf32"})
    for (int c : {8, 16, 32, 64})
      for (const char *chip : {"sm_80", "sm_90a"}) {
        std::string name = std::string("msa_pwa_fwd_") + dtype + "_c" +
                           std::to_string(c) + "_" + chip;
        EXPECT_NE(std::find(names.begin(), names.end(), name), names.end())
            << name;
      }
#else
  EXPECT_TRUE(names.empty());
#endif
}

} // namespace
