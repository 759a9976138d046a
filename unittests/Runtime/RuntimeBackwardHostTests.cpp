//===- RuntimeBackwardHostTests.cpp - Backward checks without a GPU -------===//
//
// Every check the backward makes before a launch, on fake device addresses
// (nothing is dereferenced), asserting on the message text; the backward
// variants' metadata (kernels, scratch buffers, parameters by name); the
// memsets that zero dbias when there are no MSA rows; and the C ABI's
// argument conversion.
//
//===----------------------------------------------------------------------===//

#include "msa/Runtime/Runtime.h"
#include "msa/Runtime/msa_runtime.h"

#include "BackwardLaunch.h"
#include "CApiArgs.h"
#include "EmbeddedKernels.h"
#include "MetadataTestSupport.h"
#include "Validate.h"

#include <gtest/gtest.h>

#include <set>

using namespace msa::runtime;
using namespace msa::runtime::test;

namespace {

//===----------------------------------------------------------------------===//
// Validation
//===----------------------------------------------------------------------===//

void *at(uintptr_t gib) { return reinterpret_cast<void *>(gib << 30); }

/// A valid dense bf16 problem on fake, well-separated, aligned addresses.
BackwardArgs validArgs() {
  BackwardArgs a;
  a.B = 2;
  a.S = 3;
  a.R = 7;
  a.H = 4;
  a.C = 16;
  a.dtype = DType::BF16;
  a.dout = at(1);
  a.v = at(2);
  a.bias = at(3);
  a.gate = at(4);
  a.out = at(5);
  a.lse = static_cast<const float *>(at(6));
  a.pairMask = at(7);
  a.msaMask = at(8);
  a.dv = at(9);
  a.dbias = at(10);
  a.dgate = at(11);
  return a;
}

void expectError(const BackwardArgs &a, const std::string &text) {
  Status s = validate(a);
  ASSERT_FALSE(s.ok()) << "expected: " << text;
  EXPECT_NE(s.message().find(text), std::string::npos) << s.message();
}

void expectValid(const BackwardArgs &a) {
  Status s = validate(a);
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST(RuntimeBackwardValidateTest, AcceptsValidArguments) {
  expectValid(validArgs());
  for (DType dtype : {DType::F16, DType::F32}) {
    BackwardArgs a = validArgs();
    a.dtype = dtype;
    expectValid(a);
  }
  BackwardArgs a = validArgs();
  a.dtype = DType::F32;
  a.precision = Precision::TF32;
  expectValid(a);
}

TEST(RuntimeBackwardValidateTest, RejectsNullPointers) {
  const std::pair<const char *, const void * BackwardArgs::*> inputs[] = {
      {"dout", &BackwardArgs::dout},
      {"v", &BackwardArgs::v},
      {"bias", &BackwardArgs::bias},
      {"gate", &BackwardArgs::gate},
      {"out", &BackwardArgs::out}};
  for (auto [name, member] : inputs) {
    BackwardArgs a = validArgs();
    a.*member = nullptr;
    expectError(a, std::string(name) + " is a null pointer");
  }
  const std::pair<const char *, void * BackwardArgs::*> outputs[] = {
      {"dv", &BackwardArgs::dv},
      {"dbias", &BackwardArgs::dbias},
      {"dgate", &BackwardArgs::dgate}};
  for (auto [name, member] : outputs) {
    BackwardArgs a = validArgs();
    a.*member = nullptr;
    expectError(a, std::string(name) + " is a null pointer");
  }
}

TEST(RuntimeBackwardValidateTest, OptionalTensorsMayBeNull) {
  BackwardArgs a = validArgs();
  a.pairMask = a.msaMask = nullptr;
  a.lse = nullptr;
  expectValid(a);
}

TEST(RuntimeBackwardValidateTest, RejectsMisalignedPointers) {
  BackwardArgs a = validArgs();
  a.v = static_cast<const char *>(a.v) + 8;
  expectError(a, "v pointer 2147483656 is not 16-byte aligned");
  a = validArgs();
  a.dgate = static_cast<char *>(a.dgate) + 1;
  expectError(a, "dgate pointer 11811160065 is not 2-byte aligned");
  a = validArgs();
  a.dtype = DType::F32;
  a.dbias = static_cast<char *>(a.dbias) + 2;
  expectError(a, "dbias pointer 10737418242 is not 4-byte aligned");
  a = validArgs();
  a.dout = static_cast<const char *>(a.dout) + 1;
  expectError(a, "dout pointer 1073741825 is not 2-byte aligned");
  a = validArgs();
  a.lse = reinterpret_cast<const float *>(
      reinterpret_cast<const char *>(a.lse) + 2);
  expectError(a, "lse pointer 6442450946 is not 4-byte aligned");
  // Only v is read by 16-byte copies: the other tensors need their element
  // alignment only.
  a = validArgs();
  a.dv = static_cast<char *>(a.dv) + 2;
  a.out = static_cast<const char *>(a.out) + 2;
  expectValid(a);
}

TEST(RuntimeBackwardValidateTest, RejectsUnsupportedHeadDimDtypeAndInf) {
  BackwardArgs a = validArgs();
  a.C = 128;
  expectError(a,
              "unsupported head dimension C = 128 (supported: 8, 16, 32, 64)");
  a = validArgs();
  a.dtype = DType::F16;
  a.precision = Precision::TF32;
  expectError(a, "precision tf32 applies only to f32 data, got f16");
  a = validArgs();
  a.inf = 1e39;
  expectError(a, "inf must be positive and finite in f32");
  a = validArgs();
  a.S = -3;
  expectError(a, "S must be >= 0, got -3");
}

TEST(RuntimeBackwardValidateTest, RejectsShapeStrideMismatch) {
  const int64_t dense[5] = {3 * 7 * 4 * 16, 7 * 4 * 16, 4 * 16, 16, 1};
  const std::pair<const char *, std::array<int64_t, 5> BackwardArgs::*>
      channels[] = {{"dout", &BackwardArgs::doutStrides},
                    {"v", &BackwardArgs::vStrides},
                    {"gate", &BackwardArgs::gateStrides},
                    {"out", &BackwardArgs::outStrides},
                    {"dv", &BackwardArgs::dvStrides},
                    {"dgate", &BackwardArgs::dgateStrides}};
  for (auto [name, member] : channels) {
    BackwardArgs a = validArgs();
    a.*member = {dense[0], dense[1], dense[2], dense[3], 2};
    expectError(a, std::string(name) +
                       ": the channel dimension C must be contiguous "
                       "(stride 1), got stride 2");
  }
  // v is read by 16-byte copies; the others are not.
  BackwardArgs a = validArgs();
  a.vStrides = {dense[0], dense[1], dense[2], 12, 1};
  expectError(a, "v: strides of B, S, R, H must be non-negative multiples "
                 "of 8 elements (16-byte copies), got stride 12 for "
                 "dimension 3");
  a = validArgs();
  a.dtype = DType::F32;
  a.vStrides = {dense[0], dense[1], 70, 16, 1};
  expectError(a, "multiples of 4 elements (16-byte copies), got stride 70 "
                 "for dimension 2");
  a = validArgs();
  a.doutStrides = a.dvStrides = {3 * 7 * 68, 7 * 68, 68, 17, 1};
  expectValid(a);
  a = validArgs();
  a.dbiasStrides = {7 * 7 * 4, 7 * 4, 4, -1};
  expectError(a, "dbias: strides must be non-negative, got stride -1 for "
                 "dimension 3");
  a = validArgs();
  a.msaMaskStrides = {-21, 7, 1};
  expectError(a, "msa_mask: strides must be non-negative");
}

TEST(RuntimeBackwardValidateTest, RejectsOverflowingSizes) {
  BackwardArgs a = validArgs();
  a.B = 255;
  a.H = 255;
  a.S = 1;
  a.R = int64_t(65535) * 128;
  a.dtype = DType::F32;
  expectError(a, "the probabilities buffer B*H*R*roundup(R, 8) overflows 64 "
                 "bits");
  a = validArgs();
  a.R = int64_t(65535) * 128 + 1;
  expectError(a, "R = 8388481 exceeds the supported 65535*128");
  a = validArgs();
  a.B = 3;
  a.H = 30000;
  expectError(a, "B*H = 3*30000 exceeds the supported 65535");
  a = validArgs();
  a.S = int64_t(1) << 40;
  expectError(a, "exceeds the supported 65535*64");
  a = validArgs();
  a.B = 3;
  a.dbiasStrides = {int64_t(1) << 62, 7 * 4, 4, 1};
  expectError(a, "dbias: the largest element offset overflows 64 bits");
}

TEST(RuntimeBackwardValidateTest, RejectsOverlappingOutputs) {
  // Outputs against each other.
  BackwardArgs a = validArgs();
  a.dgate = a.dv;
  expectError(a, "dv overlaps dgate; outputs must not alias other tensors");
  a = validArgs();
  a.dbias = static_cast<char *>(a.dv) + 64;
  expectError(a, "dv overlaps dbias");
  // Outputs against inputs, the optional ones included.
  const std::pair<const char *, const void * BackwardArgs::*> inputs[] = {
      {"dout", &BackwardArgs::dout},
      {"v", &BackwardArgs::v},
      {"bias", &BackwardArgs::bias},
      {"gate", &BackwardArgs::gate},
      {"out", &BackwardArgs::out},
      {"pair_mask", &BackwardArgs::pairMask},
      {"msa_mask", &BackwardArgs::msaMask}};
  for (auto [name, member] : inputs) {
    a = validArgs();
    a.dgate = const_cast<void *>(a.*member);
    expectError(a, std::string("dgate overlaps ") + name +
                       "; outputs must not alias other tensors");
  }
  a = validArgs();
  a.dbias = const_cast<float *>(a.lse);
  expectError(a, "dbias overlaps lse");
  // The end of one range touching the start of the next is no overlap.
  a = validArgs();
  a.dgate = static_cast<char *>(a.dv) + 2 * 3 * 7 * 4 * 16 * 2;
  expectValid(a);
  a.dgate = static_cast<char *>(a.dgate) - 2;
  expectError(a, "dv overlaps dgate");
  // Outputs against themselves.
  a = validArgs();
  a.dbiasStrides = {7 * 7 * 4, 7 * 4, 4, 0};
  expectError(a, "dbias: strides make elements overlap (dimension 3 has "
                 "stride 0 inside a span of 1)");
  a = validArgs();
  a.dvStrides = {3 * 7 * 4 * 16, 7 * 4 * 16, 4 * 16, 8, 1};
  expectError(a, "dv: strides make elements overlap (dimension 3 has stride "
                 "8 inside a span of 16)");
  a = validArgs();
  a.dgateStrides = {3 * 7 * 4 * 16, 7 * 4 * 16, 7 * 4 * 16, 16, 1};
  expectError(a, "dgate: strides make elements overlap");
  // Inputs may overlap each other (v and gate both read from one buffer).
  a = validArgs();
  a.gate = a.v;
  a.out = a.dout;
  expectValid(a);
  // Permuted, padded outputs are fine.
  a = validArgs();
  a.dbiasStrides = {7 * 7 * 8, 8, 7 * 8, 1};
  a.dvStrides = {3 * 7 * 4 * 16, 16, 3 * 4 * 16, 3 * 16, 1};
  expectValid(a);
}

TEST(RuntimeBackwardValidateTest, EmptyProblemsNeedNoPointers) {
  for (int which = 0; which < 3; ++which) {
    BackwardArgs a;
    a.B = which == 0 ? 0 : 1;
    a.R = which == 1 ? 0 : 5;
    a.H = which == 2 ? 0 : 8;
    a.S = 4;
    a.C = 32;
    expectValid(a);
  }
}

TEST(RuntimeBackwardValidateTest, WithoutMsaRowsOnlyBiasAndDbiasAreNeeded) {
  BackwardArgs a = validArgs();
  a.S = 0;
  a.dout = a.v = a.gate = a.out = nullptr;
  a.dv = a.dgate = nullptr;
  expectValid(a);
  a.dbias = nullptr;
  expectError(a, "dbias is a null pointer");
}

//===----------------------------------------------------------------------===//
// Zeroing dbias without MSA rows
//===----------------------------------------------------------------------===//

/// The byte offsets a strided tensor's elements cover.
std::set<uint64_t> elementBytes(const std::vector<int64_t> &shape,
                                const std::vector<int64_t> &strides,
                                size_t es) {
  std::set<uint64_t> bytes;
  std::vector<int64_t> index(shape.size(), 0);
  int64_t count = 1;
  for (int64_t n : shape)
    count *= n;
  for (int64_t n = 0; n < count; ++n) {
    int64_t offset = 0;
    for (size_t d = 0; d < shape.size(); ++d)
      offset += index[d] * strides[d];
    for (size_t b = 0; b < es; ++b)
      bytes.insert(uint64_t(offset) * es + b);
    for (size_t d = shape.size(); d-- > 0 && ++index[d] == shape[d];)
      index[d] = 0;
  }
  return bytes;
}

/// The byte offsets the rectangles cover; each byte once.
std::set<uint64_t> rectBytes(const std::vector<MemsetRect> &rects) {
  std::set<uint64_t> bytes;
  for (const MemsetRect &r : rects) {
    EXPECT_GE(r.pitch, r.width);
    for (size_t row = 0; row < r.height; ++row)
      for (size_t b = 0; b < r.width; ++b)
        EXPECT_TRUE(bytes.insert(r.offset + row * r.pitch + b).second)
            << "byte " << r.offset + row * r.pitch + b << " set twice";
  }
  return bytes;
}

TEST(RuntimeBackwardZeroTest, DenseDbiasIsOneMemset) {
  std::vector<MemsetRect> rects =
      memsetRects({2, 7, 7, 4}, {7 * 7 * 4, 7 * 4, 4, 1}, 2);
  ASSERT_EQ(rects.size(), 1u);
  EXPECT_EQ(rects[0].offset, 0u);
  EXPECT_EQ(rects[0].width, 2u * 7 * 7 * 4 * 2);
  EXPECT_EQ(rects[0].height, 1u);
  // Permuted but without gaps: still one.
  rects = memsetRects({2, 7, 7, 4}, {7 * 7 * 4, 4, 7 * 4, 1}, 4);
  ASSERT_EQ(rects.size(), 1u);
  EXPECT_EQ(rects[0].width, 2u * 7 * 7 * 4 * 4);
  // Sizes of 1 have any stride.
  rects = memsetRects({1, 5, 5, 1}, {0, 5, 1, 12345}, 2);
  ASSERT_EQ(rects.size(), 1u);
  EXPECT_EQ(rects[0].width, 50u);
}

TEST(RuntimeBackwardZeroTest, PaddedDbiasSkipsTheGaps) {
  // Heads padded to 8 (rows of 4 elements every 8): one 2-D memset.
  std::vector<int64_t> shape = {2, 7, 7, 4}, strides = {7 * 7 * 8, 7 * 8, 8, 1};
  std::vector<MemsetRect> rects = memsetRects(shape, strides, 2);
  ASSERT_EQ(rects.size(), 1u);
  EXPECT_EQ(rects[0].width, 8u);
  EXPECT_EQ(rects[0].height, 2u * 7 * 7);
  EXPECT_EQ(rects[0].pitch, 16u);
  EXPECT_EQ(rectBytes(rects), elementBytes(shape, strides, 2));
  // Gaps at several levels, and no unit stride at all.
  for (auto [shp, str] : std::initializer_list<
           std::pair<std::vector<int64_t>, std::vector<int64_t>>>{
           {{2, 3, 5, 4}, {1000, 300, 9, 2}},
           {{3, 4, 4, 2}, {200, 1, 40, 10}},
           {{2, 5, 5, 3}, {200, 3, 30, 1}},
           {{1, 3, 3, 1}, {0, 7, 2, 0}}}) {
    for (size_t es : {2u, 4u}) {
      std::vector<MemsetRect> r = memsetRects(shp, str, es);
      EXPECT_EQ(rectBytes(r), elementBytes(shp, str, es))
          << "strides " << str[0] << "," << str[1] << "," << str[2] << ","
          << str[3];
    }
  }
  EXPECT_TRUE(memsetRects({2, 0, 0, 4}, {0, 0, 0, 1}, 2).empty());
}

//===----------------------------------------------------------------------===//
// Metadata
//===----------------------------------------------------------------------===//

const ParamList kPrepParams = {{"dout", "ptr"},
                               {"gate", "ptr"},
                               {"out", "ptr"},
                               {"dop", "ptr"},
                               {"dgate", "ptr"},
                               {"delta", "ptr"},
                               {"B", "i64"},
                               {"S", "i64"},
                               {"R", "i64"},
                               {"H", "i64"},
                               {"dout_stride_b", "i64"},
                               {"dout_stride_s", "i64"},
                               {"dout_stride_i", "i64"},
                               {"dout_stride_h", "i64"},
                               {"gate_stride_b", "i64"},
                               {"gate_stride_s", "i64"},
                               {"gate_stride_i", "i64"},
                               {"gate_stride_h", "i64"},
                               {"out_stride_b", "i64"},
                               {"out_stride_s", "i64"},
                               {"out_stride_i", "i64"},
                               {"out_stride_h", "i64"},
                               {"dgate_stride_b", "i64"},
                               {"dgate_stride_s", "i64"},
                               {"dgate_stride_i", "i64"},
                               {"dgate_stride_h", "i64"}};
const ParamList kDvParams = {{"probs", "ptr"},
                             {"dop", "ptr"},
                             {"msa_mask", "ptr"},
                             {"dv", "ptr"},
                             {"B", "i64"},
                             {"S", "i64"},
                             {"R", "i64"},
                             {"H", "i64"},
                             {"Rp", "i64"},
                             {"dv_stride_b", "i64"},
                             {"dv_stride_s", "i64"},
                             {"dv_stride_j", "i64"},
                             {"dv_stride_h", "i64"},
                             {"mask_stride_b", "i64"},
                             {"mask_stride_s", "i64"},
                             {"mask_stride_j", "i64"},
                             {"has_msa_mask", "i64"}};
const ParamList kDbiasParams = {{"probs", "ptr"},
                                {"delta", "ptr"},
                                {"dop", "ptr"},
                                {"v", "ptr"},
                                {"msa_mask", "ptr"},
                                {"dbias", "ptr"},
                                {"B", "i64"},
                                {"S", "i64"},
                                {"R", "i64"},
                                {"H", "i64"},
                                {"Rp", "i64"},
                                {"v_stride_b", "i64"},
                                {"v_stride_s", "i64"},
                                {"v_stride_j", "i64"},
                                {"v_stride_h", "i64"},
                                {"mask_stride_b", "i64"},
                                {"mask_stride_s", "i64"},
                                {"mask_stride_j", "i64"},
                                {"dbias_stride_b", "i64"},
                                {"dbias_stride_i", "i64"},
                                {"dbias_stride_j", "i64"},
                                {"dbias_stride_h", "i64"},
                                {"has_msa_mask", "i64"}};

const char *const kVariant = "msa_pwa_bwd_bf16_c16_sm_90a";

std::array<std::string, kBackwardKernels> entries() {
  return backwardEntries("bf16", "bf16", 16);
}

/// A backward variant's metadata as msa-codegen writes it.
struct FakeBackward {
  FakeObject top;
  std::array<FakeObject, kBackwardKernels> kernels;
  std::array<bool, kBackwardKernels> listed = {true, true, true, true};
  std::vector<FakeObject> scratch;

  FakeBackward() {
    const ParamList *params[] = {&kProbsParams, &kPrepParams, &kDvParams,
                                 &kDbiasParams};
    const char *grids[] = {R"j(["R", "B", "1"])j",
                           R"j(["ceil(R/32)", "S", "B*H"])j",
                           R"j(["B*H", "ceil(R/128)", "ceil(S*C/128)"])j",
                           R"j(["B*H", "ceil(R/64)", "ceil(R/64)"])j"};
    for (size_t k = 0; k < kBackwardKernels; ++k)
      kernels[k]
          .set("entry", "\"" + entries()[k] + "\"")
          .set("params", paramsJson(*params[k]))
          .set("block", k == 0 ? "[128, 1, 1]" : "[256, 1, 1]")
          .set("dynamic_shared_bytes", k >= 2 ? "65536" : "0")
          .set("grid", grids[k]);
    for (auto [name, elements] :
         {std::pair<const char *, const char *>{"probs", "B*H*R*Rp"},
          {"dop", "B*S*R*H*C"},
          {"delta", "B*H*R"}})
      scratch.push_back(
          FakeObject()
              .set("name", std::string("\"") + name + "\"")
              .set("elements", std::string("\"") + elements + "\"")
              .set("dtype", "\"bf16\""));
    top.set("name", std::string("\"") + kVariant + "\"")
        .set("op", "\"backward\"")
        .set("dtype", "\"bf16\"")
        .set("precision", "\"ieee\"")
        .set("head_dim", "16")
        .set("chip", "\"sm_90a\"");
  }
  std::string str() const {
    FakeObject t = top;
    std::string list = "[";
    for (size_t k = 0; k < kBackwardKernels; ++k)
      if (listed[k])
        list += (list.size() > 1 ? ", " : "") + kernels[k].str();
    std::string buffers = "[";
    for (const FakeObject &s : scratch)
      buffers += (buffers.size() > 1 ? ", " : "") + s.str();
    bool hasScratch = false;
    for (const auto &m : t.members)
      hasScratch |= m.first == "scratch";
    if (!hasScratch)
      t.set("scratch", buffers + "]");
    t.set("kernels", list + "]");
    return t.str();
  }
};

Status load(const FakeBackward &m, BackwardMetadata &result) {
  return loadBackwardMetadata(kVariant, m.str(), entries(), result);
}

void expectMetadataError(const FakeBackward &m, const std::string &message) {
  BackwardMetadata result;
  Status s = load(m, result);
  ASSERT_FALSE(s.ok()) << "loaded: " << m.str();
  EXPECT_NE(s.message().find(message), std::string::npos) << s.message();
}

TEST(RuntimeBackwardMetadataTest, NamesTheKernels) {
  EXPECT_EQ(backwardEntries("f32", "tf32", 64),
            (std::array<std::string, kBackwardKernels>{
                "msa_pwa_probs_f32", "msa_pwa_bwd_prep_tf32_c64",
                "msa_pwa_bwd_dv_tf32_c64", "msa_pwa_bwd_dbias_tf32_c64"}));
}

TEST(RuntimeBackwardMetadataTest, LoadsBackwardVariant) {
  BackwardMetadata m;
  Status s = load(FakeBackward(), m);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(m.variant.op, "backward");
  for (size_t k = 0; k < kBackwardKernels; ++k)
    EXPECT_EQ(m.kernel(BackwardKernel(k)).entry, entries()[k]);
  EXPECT_EQ(m.kernel(BackwardKernel::Dv).dynamicSharedBytes, 65536);
  EXPECT_EQ(m.kernel(BackwardKernel::Prep).params.size(), kPrepParams.size());
  ASSERT_EQ(m.variant.scratch.size(), 3u);
  EXPECT_EQ(m.variant.scratchBuffer("dop")->elements.text(), "B*S*R*H*C");
  // The kernels may be listed in any order; the launch order is fixed.
  FakeBackward reversed;
  std::reverse(reversed.kernels.begin(), reversed.kernels.end());
  s = load(reversed, m);
  ASSERT_TRUE(s.ok()) << s.message();
  for (size_t k = 0; k < kBackwardKernels; ++k)
    EXPECT_EQ(m.kernel(BackwardKernel(k)).entry, entries()[k]);
  EXPECT_EQ(m.indices, (std::array<size_t, kBackwardKernels>{3, 2, 1, 0}));
}

TEST(RuntimeBackwardMetadataTest, RequiresTheBackwardOp) {
  FakeBackward m;
  m.top.erase("op");
  expectMetadataError(m, "metadata of kernel variant "
                         "'msa_pwa_bwd_bf16_c16_sm_90a': \"op\" is missing; "
                         "a backward variant states \"backward\"");
  m.top.set("op", "\"forward\"");
  expectMetadataError(m, "\"op\" is 'forward'; a backward variant states "
                         "\"backward\"");
  m.top.set("op", "1");
  expectMetadataError(m, "\"op\" must be a string, got an integer");
}

TEST(RuntimeBackwardMetadataTest, RequiresTheScratchBuffers) {
  for (size_t drop = 0; drop < 3; ++drop) {
    FakeBackward m;
    m.scratch.erase(m.scratch.begin() + drop);
    const char *names[] = {"probs", "dop", "delta"};
    expectMetadataError(m, std::string("metadata of kernel variant "
                                       "'msa_pwa_bwd_bf16_c16_sm_90a' does "
                                       "not list scratch buffer '") +
                               names[drop] + "'");
  }
  FakeBackward m;
  m.scratch.clear();
  expectMetadataError(m, "does not list scratch buffer 'probs' (it lists "
                         "none)");
  m = FakeBackward();
  m.top.set("scratch", "{}");
  expectMetadataError(m, "\"scratch\" must be an array, got an object");
  m = FakeBackward();
  m.top.set("scratch", "[7]");
  expectMetadataError(m, "scratch[0] must be an object, got an integer");
  m = FakeBackward();
  m.scratch[1].erase("elements");
  expectMetadataError(m, "scratch[1]: missing key \"elements\"");
  m = FakeBackward();
  m.scratch[2].set("elements", "\"B*H*K\"");
  expectMetadataError(m, "scratch[2] ('delta') elements: cannot parse "
                         "\"B*H*K\" at column 5: unknown size 'K'");
  m = FakeBackward();
  m.scratch[2] = m.scratch[1];
  expectMetadataError(m, "scratch[2]: scratch buffer 'dop' is listed twice");
}

TEST(RuntimeBackwardMetadataTest, RequiresEveryKernel) {
  for (size_t k = 0; k < kBackwardKernels; ++k) {
    FakeBackward m;
    m.listed[k] = false;
    expectMetadataError(m, "metadata of kernel variant "
                           "'msa_pwa_bwd_bf16_c16_sm_90a' does not describe "
                           "kernel '" +
                               entries()[k] + "'");
  }
  // A variant of another head dimension does not do.
  FakeBackward m;
  m.kernels[2].set("entry", "\"msa_pwa_bwd_dv_bf16_c32\"");
  expectMetadataError(m, "does not describe kernel 'msa_pwa_bwd_dv_bf16_c16' "
                         "(it lists 'msa_pwa_probs_bf16', "
                         "'msa_pwa_bwd_prep_bf16_c16', "
                         "'msa_pwa_bwd_dv_bf16_c32', "
                         "'msa_pwa_bwd_dbias_bf16_c16')");
}

TEST(RuntimeBackwardMetadataTest, RejectsParamsTheRuntimeCannotSupply) {
  // Names are per kernel: the prep kernel has no probabilities, the dv
  // kernel no v, and the masks of the dv and dbias kernels are the msa
  // mask's (b, s, j), not the pair mask's (b, i, j).
  struct Case {
    size_t kernel;
    const ParamList *params;
    std::pair<std::string, std::string> extra;
  };
  for (const Case &c : {Case{1, &kPrepParams, {"probs", "ptr"}},
                        Case{2, &kDvParams, {"v", "ptr"}},
                        Case{2, &kDvParams, {"mask_stride_i", "i64"}},
                        Case{3, &kDbiasParams, {"mask_stride_i", "i64"}},
                        Case{3, &kDbiasParams, {"dv", "ptr"}},
                        Case{3, &kDbiasParams, {"has_pair_mask", "i64"}},
                        Case{0, &kProbsParams, {"dout", "ptr"}}}) {
    FakeBackward m;
    ParamList params = *c.params;
    params.push_back(c.extra);
    m.kernels[c.kernel].set("params", paramsJson(params));
    expectMetadataError(m, "metadata of kernel variant "
                           "'msa_pwa_bwd_bf16_c16_sm_90a': kernel '" +
                               entries()[c.kernel] + "' takes parameter '" +
                               c.extra.first + "' (" + c.extra.second +
                               "), which this runtime does not supply");
  }
  // Types must match.
  FakeBackward m;
  ParamList params = kDbiasParams;
  params[22].second = "f32";
  m.kernels[3].set("params", paramsJson(params));
  expectMetadataError(m, "kernel 'msa_pwa_bwd_dbias_bf16_c16' declares "
                         "parameter 'has_msa_mask' as f32; this runtime "
                         "supplies it as i64");
  m = FakeBackward();
  params = kPrepParams;
  params[5].second = "i64";
  m.kernels[1].set("params", paramsJson(params));
  expectMetadataError(m, "kernel 'msa_pwa_bwd_prep_bf16_c16' declares "
                         "parameter 'delta' as i64; this runtime supplies it "
                         "as ptr");
}

/// Backward values whose every field differs from the others.
BackwardValues distinctValues() {
  BackwardValues x;
  x.bias = 0x1000;
  x.pairMask = 0x2000;
  x.probs = 0x3000;
  x.lse = 0x4000;
  x.dout = 0x5000;
  x.v = 0x6000;
  x.gate = 0x7000;
  x.out = 0x8000;
  x.msaMask = 0x9000;
  x.dop = 0xa000;
  x.delta = 0xb000;
  x.dv = 0xc000;
  x.dbias = 0xd000;
  x.dgate = 0xe000;
  x.B = 2;
  x.S = 3;
  x.R = 5;
  x.H = 7;
  x.C = 16;
  x.Rp = 8;
  x.biasStrides = {101, 102, 103, 104};
  x.dbiasStrides = {111, 112, 113, 114};
  x.pairMaskStrides = {201, 202, 203};
  x.msaMaskStrides = {301, 302, 303};
  x.doutStrides = {401, 402, 403, 404, 1};
  x.vStrides = {501, 502, 503, 504, 1};
  x.gateStrides = {601, 602, 603, 604, 1};
  x.outStrides = {701, 702, 703, 704, 1};
  x.dvStrides = {801, 802, 803, 804, 1};
  x.dgateStrides = {901, 902, 903, 904, 1};
  x.hasPairMask = true;
  x.hasMsaMask = true;
  x.inf = 1e9f;
  return x;
}

/// Packs kernel `k` of the fake variant with distinctValues().
std::vector<void *> pack(BackwardKernel k, KernelArguments &args) {
  BackwardMetadata m;
  Status s = load(FakeBackward(), m);
  EXPECT_TRUE(s.ok()) << s.message();
  std::vector<void *> params;
  s = args.pack(m.kernel(k), params);
  EXPECT_TRUE(s.ok()) << s.message();
  return params;
}

TEST(RuntimeBackwardLaunchTest, PacksTheProbabilitiesKernel) {
  KernelArguments args = backwardProbsArguments(distinctValues());
  std::vector<void *> p = pack(BackwardKernel::Probs, args);
  ASSERT_EQ(p.size(), 18u);
  const uint64_t pointers[] = {0x1000, 0x2000, 0x3000, 0x4000};
  for (int i = 0; i < 4; ++i) // bias, pair_mask, probs, lse
    EXPECT_EQ(read<uint64_t>(p[i]), pointers[i]);
  const int64_t sizes[] = {2, 5, 7, 8};
  for (int i = 0; i < 4; ++i) // B, R, H, Rp
    EXPECT_EQ(read<int64_t>(p[4 + i]), sizes[i]);
  for (int i = 0; i < 4; ++i) // bias_stride_b/i/j/h
    EXPECT_EQ(read<int64_t>(p[8 + i]), 101 + i);
  for (int i = 0; i < 3; ++i) // mask_stride_b/i/j: the pair mask's
    EXPECT_EQ(read<int64_t>(p[12 + i]), 201 + i);
  EXPECT_EQ(read<int64_t>(p[15]), 1); // has_pair_mask
  EXPECT_EQ(read<int64_t>(p[16]), 0); // has_lse: the backward never asks
  EXPECT_EQ(read<float>(p[17]), 1e9f);
}

TEST(RuntimeBackwardLaunchTest, PacksThePrepKernel) {
  KernelArguments args = prepArguments(distinctValues());
  std::vector<void *> p = pack(BackwardKernel::Prep, args);
  ASSERT_EQ(p.size(), kPrepParams.size());
  // dout, gate, out, dop, dgate, delta
  const uint64_t pointers[] = {0x5000, 0x7000, 0x8000, 0xa000, 0xe000, 0xb000};
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(read<uint64_t>(p[i]), pointers[i]) << kPrepParams[i].first;
  const int64_t sizes[] = {2, 3, 5, 7}; // B, S, R, H
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(read<int64_t>(p[6 + i]), sizes[i]);
  const int64_t strides[] = {401, 601, 701, 901}; // dout, gate, out, dgate
  for (int t = 0; t < 4; ++t)                     // _stride_b/s/i/h
    for (int i = 0; i < 4; ++i)
      EXPECT_EQ(read<int64_t>(p[10 + 4 * t + i]), strides[t] + i)
          << kPrepParams[10 + 4 * t + i].first;
}

TEST(RuntimeBackwardLaunchTest, PacksTheDvKernel) {
  KernelArguments args = dvArguments(distinctValues());
  std::vector<void *> p = pack(BackwardKernel::Dv, args);
  ASSERT_EQ(p.size(), kDvParams.size());
  const uint64_t pointers[] = {0x3000, 0xa000, 0x9000, 0xc000};
  for (int i = 0; i < 4; ++i) // probs, dop, msa_mask, dv
    EXPECT_EQ(read<uint64_t>(p[i]), pointers[i]);
  const int64_t sizes[] = {2, 3, 5, 7, 8}; // B, S, R, H, Rp
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(read<int64_t>(p[4 + i]), sizes[i]);
  for (int i = 0; i < 4; ++i) // dv_stride_b/s/j/h
    EXPECT_EQ(read<int64_t>(p[9 + i]), 801 + i);
  for (int i = 0; i < 3; ++i) // mask_stride_b/s/j: the msa mask's
    EXPECT_EQ(read<int64_t>(p[13 + i]), 301 + i);
  EXPECT_EQ(read<int64_t>(p[16]), 1); // has_msa_mask
}

TEST(RuntimeBackwardLaunchTest, PacksTheDbiasKernel) {
  KernelArguments args = dbiasArguments(distinctValues());
  std::vector<void *> p = pack(BackwardKernel::Dbias, args);
  ASSERT_EQ(p.size(), kDbiasParams.size());
  // probs, delta, dop, v, msa_mask, dbias
  const uint64_t pointers[] = {0x3000, 0xb000, 0xa000, 0x6000, 0x9000, 0xd000};
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(read<uint64_t>(p[i]), pointers[i]) << kDbiasParams[i].first;
  const int64_t sizes[] = {2, 3, 5, 7, 8}; // B, S, R, H, Rp
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(read<int64_t>(p[6 + i]), sizes[i]);
  for (int i = 0; i < 4; ++i) // v_stride_b/s/j/h
    EXPECT_EQ(read<int64_t>(p[11 + i]), 501 + i);
  for (int i = 0; i < 3; ++i) // mask_stride_b/s/j: the msa mask's
    EXPECT_EQ(read<int64_t>(p[15 + i]), 301 + i);
  for (int i = 0; i < 4; ++i) // dbias_stride_b/i/j/h
    EXPECT_EQ(read<int64_t>(p[18 + i]), 111 + i);
  EXPECT_EQ(read<int64_t>(p[22]), 1); // has_msa_mask
}

TEST(RuntimeBackwardLaunchTest, EvaluatesGridsAndScratch) {
  BackwardMetadata m;
  Status s = load(FakeBackward(), m);
  ASSERT_TRUE(s.ok()) << s.message();
  BackwardValues x = distinctValues();
  x.R = 300;
  x.Rp = 304;
  x.S = 100;
  SizeTable sizes = backwardSizes(x);
  std::array<unsigned, 3> grid{};
  s = launchGrid(m.kernel(BackwardKernel::Dbias), sizes, grid);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(grid, (std::array<unsigned, 3>{14, 5, 5}));
  s = launchGrid(m.kernel(BackwardKernel::Prep), sizes, grid);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(grid, (std::array<unsigned, 3>{10, 100, 14}));
  // The runtime allocates what the metadata asks for, or refuses.
  std::vector<std::pair<std::string, int64_t>> allocated = {
      {"probs", 2 * 7 * 300 * 304},
      {"dop", 2 * 100 * 300 * 7 * 16},
      {"delta", 2 * 7 * 300}};
  s = checkScratch(m, sizes, allocated);
  EXPECT_TRUE(s.ok()) << s.message();
  FakeBackward bigger;
  bigger.scratch[1].set("elements", "\"B*S*Rp*H*C\"");
  s = load(bigger, m);
  ASSERT_TRUE(s.ok()) << s.message();
  s = checkScratch(m, sizes, allocated);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "kernel variant 'msa_pwa_bwd_bf16_c16_sm_90a' needs "
                         "6809600 elements of scratch 'dop' (B*S*Rp*H*C); "
                         "this runtime allocates 6720000");
}

TEST(RuntimeBackwardEmbeddedTest,
     EveryEmbeddedBackwardVariantHasValidMetadata) {
  size_t count = 0, backward = 0;
  const EmbeddedKernel *table = embeddedKernels(count);
  for (size_t i = 0; i < count; ++i) {
    // msa_pwa_bwd_<kind>_c<C>_<chip>.
    std::string name = table[i].name;
    const std::string prefix = "msa_pwa_bwd_";
    if (name.rfind(prefix, 0) != 0)
      continue;
    ++backward;
    size_t c = name.find("_c", prefix.size());
    ASSERT_NE(c, std::string::npos) << name;
    size_t chip = name.find("_sm_", c);
    ASSERT_NE(chip, std::string::npos) << name;
    std::string kind = name.substr(prefix.size(), c - prefix.size());
    std::string dtype = kind == "tf32" ? "f32" : kind;
    int64_t headDim = std::stoll(name.substr(c + 2, chip - c - 2));
    BackwardMetadata m;
    Status s = loadBackwardMetadata(name, table[i].json,
                                    backwardEntries(dtype, kind, headDim), m);
    ASSERT_TRUE(s.ok()) << s.message();
    // A typical problem's grids are launchable and its scratch is what the
    // runtime allocates.
    BackwardValues x = distinctValues();
    x.B = 1;
    x.H = 8;
    x.C = headDim;
    x.S = 512;
    x.R = x.Rp = 768;
    SizeTable sizes = backwardSizes(x);
    std::array<unsigned, 3> grid{};
    for (size_t k = 0; k < kBackwardKernels; ++k) {
      s = launchGrid(m.kernel(BackwardKernel(k)), sizes, grid);
      EXPECT_TRUE(s.ok()) << name << ": " << s.message();
    }
    s = checkScratch(m, sizes,
                     {{"probs", x.B * x.H * x.R * x.Rp},
                      {"dop", x.B * x.S * x.R * x.H * x.C},
                      {"delta", x.B * x.H * x.R}});
    EXPECT_TRUE(s.ok()) << name << ": " << s.message();
  }
  if (backward == 0)
    GTEST_SKIP() << "this build embeds no backward variants";
}

//===----------------------------------------------------------------------===//
// C ABI
//===----------------------------------------------------------------------===//

TEST(RuntimeBackwardCApiTest, RefusesNullArgumentsAndUnknownEnums) {
  char error[128] = "unchanged";
  msa_backward_args args = {};
  EXPECT_EQ(msa_backward(nullptr, &args, nullptr, error, sizeof(error)), -1);
  EXPECT_STREQ(error, "msa_backward: null argument");
  BackwardArgs b;
  args.dtype = 3;
  Status s = fromC(args, "msa_backward", b);
  EXPECT_EQ(s.message(), "msa_backward: unknown dtype 3");
  args.dtype = MSA_DTYPE_F32;
  args.precision = -1;
  s = fromC(args, "msa_backward", b);
  EXPECT_EQ(s.message(), "msa_backward: unknown precision -1");
  // Messages are truncated to the buffer, NUL-terminated.
  char small[8];
  EXPECT_EQ(msa_backward(nullptr, nullptr, nullptr, small, sizeof(small)), -1);
  EXPECT_STREQ(small, "msa_bac");
}

TEST(RuntimeBackwardCApiTest, CopiesEveryField) {
  msa_backward_args c = {};
  c.B = 1;
  c.S = 2;
  c.R = 3;
  c.H = 4;
  c.C = 32;
  c.dtype = MSA_DTYPE_F32;
  c.precision = MSA_PRECISION_TF32;
  c.dout = at(1);
  c.v = at(2);
  c.bias = at(3);
  c.gate = at(4);
  c.out = at(5);
  c.lse = static_cast<const float *>(at(6));
  c.pair_mask = at(7);
  c.msa_mask = at(8);
  c.dv = at(9);
  c.dbias = at(10);
  c.dgate = at(11);
  int64_t next = 1;
  for (int64_t *strides : {c.dout_strides, c.v_strides, c.gate_strides,
                           c.out_strides, c.dv_strides, c.dgate_strides})
    for (int i = 0; i < 5; ++i)
      strides[i] = next++;
  for (int64_t *strides : {c.bias_strides, c.dbias_strides})
    for (int i = 0; i < 4; ++i)
      strides[i] = next++;
  for (int64_t *strides : {c.pair_mask_strides, c.msa_mask_strides})
    for (int i = 0; i < 3; ++i)
      strides[i] = next++;
  c.inf = 1e6;
  BackwardArgs b;
  Status s = fromC(c, "msa_backward", b);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(b.B, 1);
  EXPECT_EQ(b.S, 2);
  EXPECT_EQ(b.R, 3);
  EXPECT_EQ(b.H, 4);
  EXPECT_EQ(b.C, 32);
  EXPECT_EQ(b.dtype, DType::F32);
  EXPECT_EQ(b.precision, Precision::TF32);
  const void *pointers[] = {b.dout, b.v,     b.bias,     b.gate,
                            b.out,  b.lse,   b.pairMask, b.msaMask,
                            b.dv,   b.dbias, b.dgate};
  for (int i = 0; i < 11; ++i)
    EXPECT_EQ(pointers[i], at(i + 1)) << i;
  next = 1;
  for (const auto *strides : {&b.doutStrides, &b.vStrides, &b.gateStrides,
                              &b.outStrides, &b.dvStrides, &b.dgateStrides})
    for (int i = 0; i < 5; ++i)
      EXPECT_EQ((*strides)[i], next++);
  for (const auto *strides : {&b.biasStrides, &b.dbiasStrides})
    for (int i = 0; i < 4; ++i)
      EXPECT_EQ((*strides)[i], next++);
  for (const auto *strides : {&b.pairMaskStrides, &b.msaMaskStrides})
    for (int i = 0; i < 3; ++i)
      EXPECT_EQ((*strides)[i], next++);
  EXPECT_EQ(b.inf, 1e6);
}

TEST(RuntimeBackwardCApiTest, ForwardConversionIsUnchanged) {
  char error[128] = "";
  msa_forward_args c = {};
  EXPECT_EQ(msa_forward(nullptr, &c, nullptr, error, sizeof(error)), -1);
  EXPECT_STREQ(error, "msa_forward: null argument");
  c.dtype = 9;
  ForwardArgs f;
  EXPECT_EQ(fromC(c, "msa_forward", f).message(),
            "msa_forward: unknown dtype 9");
  c.dtype = MSA_DTYPE_F16;
  c.precision = 2;
  EXPECT_EQ(fromC(c, "msa_forward", f).message(),
            "msa_forward: unknown precision 2");
  c.precision = MSA_PRECISION_IEEE;
  c.v = at(1);
  c.out = at(2);
  c.lse = static_cast<float *>(at(3));
  c.v_strides[3] = 8;
  c.msa_mask_strides[2] = 5;
  c.inf = 1e9;
  ASSERT_TRUE(fromC(c, "msa_forward", f).ok());
  EXPECT_EQ(f.dtype, DType::F16);
  EXPECT_EQ(f.v, at(1));
  EXPECT_EQ(f.out, at(2));
  EXPECT_EQ(f.lse, at(3));
  EXPECT_EQ(f.vStrides[3], 8);
  EXPECT_EQ(f.msaMaskStrides[2], 5);
  EXPECT_EQ(f.inf, 1e9);
}

} // namespace
