//===- RuntimeHostTests.cpp - Runtime argument checks without a GPU -------===//
//
// Every check the runtime makes before a launch, exercised on fake device
// addresses (nothing is dereferenced), asserting on the message text; and
// the kernel metadata the launches follow: the JSON parser, grid
// expressions, the checks made when a variant is loaded, and parameter
// arrays built by name.
//
//===----------------------------------------------------------------------===//

#include "msa/Runtime/Runtime.h"

#include "EmbeddedKernels.h"
#include "ForwardLaunch.h"
#include "Json.h"
#include "MetadataTestSupport.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

using namespace msa::runtime;
using namespace msa::runtime::test;

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

TEST(RuntimeCreateTest, RefusesComputeCapabilityBelow80) {
  std::string chip = "unchanged";
  for (auto [major, minor] : {std::pair{7, 5}, {7, 0}, {6, 1}}) {
    Status s = chipForComputeCapability(major, minor, chip);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.message(), "compute capability " + std::to_string(major) +
                               "." + std::to_string(minor) +
                               " is below the required 8.0");
    EXPECT_EQ(chip, "unchanged");
  }
}

TEST(RuntimeCreateTest, PicksTheKernelChip) {
  // sm_90a PTX is arch-specific (H100/H200 only); sm_80 PTX is JIT-compiled
  // forward on every other device from 8.0 on.
  for (auto [major, minor, expected] :
       {std::tuple{8, 0, "sm_80"}, {8, 6, "sm_80"}, {8, 9, "sm_80"},
        {9, 0, "sm_90a"}, {10, 0, "sm_80"}, {12, 0, "sm_80"}}) {
    std::string chip;
    ASSERT_TRUE(chipForComputeCapability(major, minor, chip).ok());
    EXPECT_EQ(chip, expected) << major << "." << minor;
  }
}

TEST(RuntimeEmbeddedTest, EmbedsEveryShippedVariant) {
  std::vector<std::string> names = embeddedVariants();
#ifdef MSA_EXPECT_EMBEDDED_KERNELS
  auto count = [&](const std::string &prefix) {
    return std::count_if(names.begin(), names.end(), [&](const auto &n) {
      return n.rfind(prefix, 0) == 0;
    });
  };
  // {bf16, f16, f32 (ieee), tf32} x C in {8, 16, 32, 64} x sm_80/sm_90a,
  // forward and, in builds whose compiler emits them, backward: all of
  // them or none.
  size_t backward = count("msa_pwa_bwd_");
  EXPECT_EQ(count("msa_pwa_fwd_"), 32);
  EXPECT_TRUE(backward == 0 || backward == 32) << backward;
  EXPECT_EQ(names.size(), 32u + backward);
  for (const char *op : {"fwd", "bwd"})
    for (const char *dtype : {"bf16", "f16", "f32", "tf32"})
      for (int c : {8, 16, 32, 64})
        for (const char *chip : {"sm_80", "sm_90a"}) {
          if (std::string(op) == "bwd" && backward == 0)
            continue;
          std::string name = std::string("msa_pwa_") + op + "_" + dtype + "_c" +
                             std::to_string(c) + "_" + chip;
          EXPECT_NE(std::find(names.begin(), names.end(), name), names.end())
              << name;
        }
#else
  EXPECT_TRUE(names.empty());
#endif
}

//===----------------------------------------------------------------------===//
// JSON
//===----------------------------------------------------------------------===//

json::Value parseOk(const std::string &text) {
  json::Value v;
  Status s = json::parse(text, v);
  EXPECT_TRUE(s.ok()) << text << ": " << s.message();
  return v;
}

void expectJsonError(const std::string &text, const std::string &message) {
  json::Value v;
  Status s = json::parse(text, v);
  ASSERT_FALSE(s.ok()) << "parsed: " << text;
  EXPECT_NE(s.message().find(message), std::string::npos)
      << "input: " << text << "\nmessage: " << s.message();
}

TEST(RuntimeJsonTest, ParsesValues) {
  json::Value v = parseOk(R"( {"b": [1, -2, 0, 1.5, -2e3, 1E+2, 0.25e-1],
      "a": {"t": true, "f": false, "n": null, "e": {}, "l": []},
      "s": "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"} )");
  ASSERT_TRUE(v.isObject());
  // Members keep their order.
  ASSERT_EQ(v.members().size(), 3u);
  EXPECT_EQ(v.members()[0].first, "b");
  EXPECT_EQ(v.members()[1].first, "a");
  const json::Value *b = v.find("b");
  ASSERT_TRUE(b && b->isArray());
  ASSERT_EQ(b->elements().size(), 7u);
  EXPECT_TRUE(b->elements()[0].isInt());
  EXPECT_EQ(b->elements()[0].getInt(), 1);
  EXPECT_EQ(b->elements()[1].getInt(), -2);
  EXPECT_EQ(b->elements()[2].getInt(), 0);
  EXPECT_TRUE(b->elements()[3].isDouble());
  EXPECT_EQ(b->elements()[3].getDouble(), 1.5);
  EXPECT_EQ(b->elements()[4].getDouble(), -2000.0);
  EXPECT_TRUE(b->elements()[5].isDouble());
  EXPECT_EQ(b->elements()[5].getDouble(), 100.0);
  EXPECT_EQ(b->elements()[6].getDouble(), 0.025);
  const json::Value *a = v.find("a");
  ASSERT_TRUE(a && a->isObject());
  EXPECT_TRUE(a->find("t")->isBool() && a->find("t")->getBool());
  EXPECT_TRUE(a->find("f")->isBool() && !a->find("f")->getBool());
  EXPECT_TRUE(a->find("n")->isNull());
  EXPECT_TRUE(a->find("e")->isObject() && a->find("e")->members().empty());
  EXPECT_TRUE(a->find("l")->isArray() && a->find("l")->elements().empty());
  EXPECT_EQ(a->find("missing"), nullptr);
  EXPECT_EQ(v.find("s")->getString(),
            "x\"\\/\b\f\n\r\t\xc3\xa9\xf0\x9f\x98\x80");
  // Scalars are documents too; integers span int64_t.
  EXPECT_EQ(parseOk("9223372036854775807").getInt(), INT64_MAX);
  EXPECT_EQ(parseOk("-9223372036854775808").getInt(), INT64_MIN);
  EXPECT_EQ(parseOk(" \"\xc3\xa9\" ").getString(), "\xc3\xa9");
  EXPECT_TRUE(parseOk("null").isNull());
}

TEST(RuntimeJsonTest, RejectsTruncatedDocuments) {
  expectJsonError("", "line 1, column 1: unexpected end of input; expected a "
                      "value");
  expectJsonError("{\"a\": [1, 2", "unexpected end of input; expected ',' "
                                   "or ']'");
  expectJsonError("{\"a\"", "unexpected end of input; expected ':'");
  expectJsonError("{\"a\": ", "unexpected end of input; expected a value");
  expectJsonError("\"abc", "unexpected end of input in a string");
  expectJsonError("\"a\\", "unexpected end of input in an escape");
  expectJsonError("\"\\u12", "unexpected end of input in a \\u escape");
  expectJsonError("tru", "line 1, column 1: unexpected 't'; expected a value");
  expectJsonError("-", "unexpected end of input; expected a digit");
}

TEST(RuntimeJsonTest, RejectsBadEscapesAndStrings) {
  expectJsonError(R"("\x")", "line 1, column 2: invalid escape '\\x' in a "
                             "string");
  expectJsonError(R"("\u12G4")", "invalid hex digit 'G' in a \\u escape");
  expectJsonError(R"("\ud800")", "unpaired high surrogate in a \\u escape");
  expectJsonError(R"("\ud800\u0041")", "unpaired high surrogate");
  expectJsonError(R"("\udc00")", "unpaired low surrogate in a \\u escape");
  expectJsonError("\"a\nb\"", "control character \\x0a in a string (it must "
                              "be escaped)");
  expectJsonError("\"\xff\"", "invalid UTF-8 byte \\xff in a string");
  // Overlong, surrogate and truncated sequences.
  expectJsonError("\"\xc0\xaf\"", "invalid UTF-8 byte \\xc0");
  expectJsonError("\"\xed\xa0\x80\"", "invalid UTF-8 byte \\xed");
  expectJsonError("\"\xe2\x82\"", "invalid UTF-8 byte \\xe2");
  expectJsonError("'a'", "unexpected '''; expected a value");
}

TEST(RuntimeJsonTest, RejectsBadNumbers) {
  expectJsonError("01", "line 1, column 1: leading zero in a number");
  expectJsonError("1.", "expected a digit after '.'");
  expectJsonError("1e", "expected a digit in the exponent");
  expectJsonError("+1", "unexpected '+'; expected a value");
  expectJsonError(".5", "unexpected '.'; expected a value");
  expectJsonError("9223372036854775808", "integer 9223372036854775808 does "
                                         "not fit in 64 bits");
  expectJsonError("1e999", "number 1e999 is out of range");
  expectJsonError("NaN", "unexpected 'N'; expected a value");
  expectJsonError("[Infinity]", "unexpected 'I'; expected a value");
}

TEST(RuntimeJsonTest, RejectsTrailingGarbageAndBadStructure) {
  expectJsonError("{} x", "line 1, column 4: unexpected 'x' after the JSON "
                          "value");
  expectJsonError("[1] [2]", "unexpected '[' after the JSON value");
  expectJsonError("[1,]", "unexpected ']'; expected a value");
  expectJsonError("{\"a\": 1,}", "unexpected '}'; expected a string (an "
                                 "object key)");
  expectJsonError("{\"a\" 1}", "unexpected '1'; expected ':'");
  expectJsonError("[1 2]", "unexpected '2'; expected ',' or ']'");
  expectJsonError("{a: 1}", "expected a string (an object key)");
  expectJsonError("{\"a\": 1, \"a\": 2}", "line 1, column 10: duplicate key "
                                          "\"a\"");
  expectJsonError("// comment\n{}", "unexpected '/'; expected a value");
  expectJsonError("{\n  \"a\": [1,\n    x]\n}", "line 3, column 5: unexpected "
                                                "'x'; expected a value");
  expectJsonError(std::string("{}\0", 3), "unexpected '\\x00' after the JSON "
                                          "value");
}

TEST(RuntimeJsonTest, BoundsNesting) {
  std::string ok =
      std::string(json::kMaxDepth, '[') + std::string(json::kMaxDepth, ']');
  parseOk(ok);
  expectJsonError(std::string(json::kMaxDepth + 1, '[') +
                      std::string(json::kMaxDepth + 1, ']'),
                  "line 1, column 65: nesting deeper than 64 levels");
  // Far deeper input fails just as cleanly (no stack overflow).
  expectJsonError(std::string(1 << 20, '['), "nesting deeper than 64 levels");
  std::string objects;
  for (int i = 0; i < 100000; ++i)
    objects += "{\"a\":";
  expectJsonError(objects, "nesting deeper than 64 levels");
}

//===----------------------------------------------------------------------===//
// Grid expressions
//===----------------------------------------------------------------------===//

const std::vector<std::string> kSizeNames = {"B", "S", "R", "H", "C", "Rp"};

SizeExpr parseExpr(const std::string &text) {
  SizeExpr e;
  Status s = SizeExpr::parse(text, kSizeNames, e);
  EXPECT_TRUE(s.ok()) << text << ": " << s.message();
  return e;
}

int64_t evaluate(const std::string &text, const SizeTable &sizes) {
  int64_t value = -12345;
  Status s = parseExpr(text).evaluate(sizes, value);
  EXPECT_TRUE(s.ok()) << text << ": " << s.message();
  return value;
}

void expectExprError(const std::string &text, const std::string &message) {
  SizeExpr e;
  Status s = SizeExpr::parse(text, kSizeNames, e);
  ASSERT_FALSE(s.ok()) << "parsed: " << text;
  EXPECT_NE(s.message().find(message), std::string::npos) << s.message();
}

void expectEvalError(const std::string &text, const SizeTable &sizes,
                     const std::string &message) {
  int64_t value = 0;
  Status s = parseExpr(text).evaluate(sizes, value);
  ASSERT_FALSE(s.ok()) << text << " = " << value;
  EXPECT_NE(s.message().find(message), std::string::npos) << s.message();
}

TEST(RuntimeGridExprTest, Evaluates) {
  SizeTable sizes = {{"B", 2}, {"S", 3},  {"R", 129},
                     {"H", 4}, {"C", 16}, {"Rp", 136}};
  EXPECT_EQ(evaluate("1", sizes), 1);
  EXPECT_EQ(evaluate("R", sizes), 129);
  EXPECT_EQ(evaluate("B*H", sizes), 8);
  EXPECT_EQ(evaluate("ceil(R/128)", sizes), 2);
  EXPECT_EQ(evaluate("ceil(S*C/128)", sizes), 1);
  EXPECT_EQ(evaluate("R/128", sizes), 1); // rounds down
  EXPECT_EQ(evaluate(" ( B + 1 ) * 2 - H ", sizes), 2);
  EXPECT_EQ(evaluate("B + H * C", sizes), 66);  // * binds tighter
  EXPECT_EQ(evaluate("R - H - B", sizes), 123); // left to right
  EXPECT_EQ(evaluate("max(R, Rp)", sizes), 136);
  EXPECT_EQ(evaluate("min(B*H, 3)", sizes), 3);
  EXPECT_EQ(evaluate("ceil((R + 7)/8)*8", sizes), 136);
  EXPECT_EQ(evaluate("ceil(R/(64*2))", sizes), 2);
  sizes["R"] = 128;
  EXPECT_EQ(evaluate("ceil(R/128)", sizes), 1);
  sizes["R"] = 0;
  EXPECT_EQ(evaluate("ceil(R/128)", sizes), 0);
  EXPECT_EQ(parseExpr("ceil(S*C/128) + S").identifiers(),
            (std::vector<std::string>{"S", "C"}));
}

TEST(RuntimeGridExprTest, RejectsMalformedExpressions) {
  expectExprError("", "cannot parse \"\" at column 1: unexpected end; "
                      "expected a number, a size or '('");
  expectExprError("ceil(R/", "cannot parse \"ceil(R/\" at column 8: "
                             "unexpected end");
  expectExprError("R +", "unexpected end; expected a number");
  expectExprError("(R", "expected ')'");
  expectExprError("R)", "column 2: unexpected ')'");
  expectExprError("2 3", "column 3: unexpected '3'");
  expectExprError("B*N", "column 3: unknown size 'N' (known: B, S, R, H, C, "
                         "Rp)");
  expectExprError("floor(R/2)", "unknown function 'floor' (known: ceil, max, "
                                "min)");
  expectExprError("ceil(R)", "ceil() takes a division a/b");
  expectExprError("ceil(R/2*2)", "ceil() takes a division a/b");
  expectExprError("max(R)", "expected ',' (max takes two arguments)");
  expectExprError("-R", "unexpected '-'");
  expectExprError("R % 2", "unexpected '%'");
  expectExprError("99999999999999999999", "integer overflows 64 bits");
  expectExprError(std::string(17, '(') + "R" + std::string(17, ')'),
                  "nested deeper than 16 levels");
  expectExprError(std::string(100, '(') + "R" + std::string(100, ')'),
                  "nested deeper than 16 levels");
  std::string sum = "R";
  for (int i = 0; i < 200; ++i)
    sum += "+R";
  expectExprError(sum, "is longer than 256 characters");
}

TEST(RuntimeGridExprTest, RejectsBadArithmetic) {
  SizeTable sizes = {{"B", int64_t(1) << 40}, {"S", 0}, {"R", 5},
                     {"H", int64_t(1) << 40}, {"C", 8}, {"Rp", 8}};
  expectEvalError("B*H", sizes,
                  "\"B*H\": 1099511627776 * 1099511627776 overflows 64 bits");
  expectEvalError("9223372036854775807 + R", sizes, "overflows 64 bits");
  expectEvalError("0 - 9223372036854775807 - R", sizes, "overflows 64 bits");
  expectEvalError("R/S", sizes, "\"R/S\": division by zero");
  expectEvalError("ceil(R/S)", sizes, "division by zero");
  expectEvalError("ceil((S - R)/2)", sizes, "division of a negative value -5");
  expectEvalError("R/(S - 1)", sizes, "division by a negative value -1");
  expectEvalError("R", {}, "\"R\": size 'R' has no value");
}

KernelInfo gridKernel(const std::string &x, const std::string &y,
                      const std::string &z) {
  KernelInfo k;
  k.entry = "k";
  k.grid = {parseExpr(x), parseExpr(y), parseExpr(z)};
  return k;
}

void expectGridError(const KernelInfo &k, const SizeTable &sizes,
                     const std::string &message) {
  std::array<unsigned, 3> grid{};
  Status s = launchGrid(k, sizes, grid);
  ASSERT_FALSE(s.ok()) << message;
  EXPECT_NE(s.message().find(message), std::string::npos) << s.message();
}

TEST(RuntimeGridExprTest, ChecksLaunchLimits) {
  SizeTable sizes = {{"B", 2}, {"S", 3},  {"R", 129},
                     {"H", 4}, {"C", 16}, {"Rp", 136}};
  KernelInfo gemm = gridKernel("B*H", "ceil(R/128)", "ceil(S*C/128)");
  std::array<unsigned, 3> grid{};
  Status s = launchGrid(gemm, sizes, grid);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(grid, (std::array<unsigned, 3>{8, 2, 1}));
  // More column tiles of S*C than grid z takes.
  SizeTable wide = sizes;
  wide["S"] = 65536 * 8;
  expectGridError(gemm, wide,
                  "kernel 'k': grid z = ceil(S*C/128) = 65536 with "
                  "S = 524288, C = 16; at most 65535 are supported");
  // x goes up to 2^31 - 1, y and z to 65535.
  SizeTable tall = sizes;
  tall["R"] = 2147483647;
  s = launchGrid(gridKernel("R", "1", "1"), tall, grid);
  EXPECT_TRUE(s.ok()) << s.message();
  tall["R"] = 2147483648;
  expectGridError(gridKernel("R", "1", "1"), tall,
                  "grid x = R = 2147483648 with R = 2147483648; at most "
                  "2147483647 are supported");
  tall["R"] = 65535;
  s = launchGrid(gridKernel("1", "R", "1"), tall, grid);
  EXPECT_TRUE(s.ok()) << s.message();
  tall["R"] = 65536;
  expectGridError(gridKernel("1", "R", "1"), tall,
                  "grid y = R = 65536 with R = 65536; at most 65535");
  // Empty grids are not launched.
  SizeTable empty = sizes;
  empty["S"] = 0;
  expectGridError(gemm, empty,
                  "grid z = ceil(S*C/128) = 0 with S = 0, C = 16; it must be "
                  "at least 1");
  // Arithmetic errors name the kernel and the dimension.
  SizeTable huge = sizes;
  huge["B"] = huge["H"] = int64_t(1) << 40;
  expectGridError(gemm, huge,
                  "kernel 'k': grid x \"B*H\": 1099511627776 * 1099511627776 "
                  "overflows 64 bits");
}

//===----------------------------------------------------------------------===//
// Variant metadata
//===----------------------------------------------------------------------===//

/// The parameters of msa-codegen's forward GEMM, in their order.
const ParamList kGemmParams = {{"probs", "ptr"},
                               {"v", "ptr"},
                               {"gate", "ptr"},
                               {"msa_mask", "ptr"},
                               {"out", "ptr"},
                               {"B", "i64"},
                               {"S", "i64"},
                               {"R", "i64"},
                               {"H", "i64"},
                               {"Rp", "i64"},
                               {"v_stride_b", "i64"},
                               {"v_stride_s", "i64"},
                               {"v_stride_j", "i64"},
                               {"v_stride_h", "i64"},
                               {"gate_stride_b", "i64"},
                               {"gate_stride_s", "i64"},
                               {"gate_stride_i", "i64"},
                               {"gate_stride_h", "i64"},
                               {"out_stride_b", "i64"},
                               {"out_stride_s", "i64"},
                               {"out_stride_i", "i64"},
                               {"out_stride_h", "i64"},
                               {"mask_stride_b", "i64"},
                               {"mask_stride_s", "i64"},
                               {"mask_stride_j", "i64"},
                               {"has_msa_mask", "i64"}};

const char *const kVariant = "msa_pwa_fwd_bf16_c8_sm_90a";
const char *const kProbsEntry = "msa_pwa_probs_bf16";
const char *const kGemmEntry = "msa_pwa_fwd_bf16_c8";

/// A forward variant's metadata as msa-codegen writes it.
struct FakeMetadata {
  FakeObject top, probs, gemm;
  bool withProbs = true, withGemm = true, dropKernels = false;

  FakeMetadata() {
    probs.set("block", "[128, 1, 1]")
        .set("dynamic_shared_bytes", "0")
        .set("entry", "\"msa_pwa_probs_bf16\"")
        .set("grid", R"j(["R", "B", "1"])j")
        .set("params", paramsJson(kProbsParams));
    gemm.set("block", "[256, 1, 1]")
        .set("dynamic_shared_bytes", "75776")
        .set("entry", "\"msa_pwa_fwd_bf16_c8\"")
        .set("grid", R"j(["B*H", "ceil(R/128)", "ceil(S*C/128)"])j")
        .set("params", paramsJson(kGemmParams));
    top.set("chip", "\"sm_90a\"")
        .set("dtype", "\"bf16\"")
        .set("head_dim", "8")
        .set("name", "\"msa_pwa_fwd_bf16_c8_sm_90a\"")
        .set("op", "\"forward\"")
        .set("tiles", R"({"bk": 32, "bm": 128, "bn": 128})");
  }
  /// The document; "kernels" lists probs and gemm unless `top` sets it.
  std::string str() const {
    FakeObject t = top;
    bool explicitKernels = false;
    for (const auto &m : t.members)
      explicitKernels |= m.first == "kernels";
    if (!explicitKernels && !dropKernels) {
      std::string kernels = "[";
      if (withProbs)
        kernels += probs.str();
      if (withGemm)
        kernels += (withProbs ? ", " : "") + gemm.str();
      t.set("kernels", kernels + "]");
    }
    return t.str();
  }
};

Status load(const FakeMetadata &m, ForwardMetadata &result) {
  return loadForwardMetadata(kVariant, m.str(), kProbsEntry, kGemmEntry,
                             result);
}

void expectMetadataError(const FakeMetadata &m, const std::string &message) {
  ForwardMetadata result;
  Status s = load(m, result);
  ASSERT_FALSE(s.ok()) << "loaded: " << m.str();
  EXPECT_NE(s.message().find(message), std::string::npos) << s.message();
}

TEST(RuntimeMetadataTest, LoadsForwardVariant) {
  ForwardMetadata m;
  Status s = load(FakeMetadata(), m);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(m.variant.name, kVariant);
  EXPECT_EQ(m.probs().entry, kProbsEntry);
  EXPECT_EQ(m.probs().block, (std::array<int64_t, 3>{128, 1, 1}));
  EXPECT_EQ(m.probs().dynamicSharedBytes, 0);
  ASSERT_EQ(m.probs().params.size(), kProbsParams.size());
  EXPECT_EQ(m.probs().params[17].name, "inf");
  EXPECT_EQ(m.probs().params[17].type, ParamType::F32);
  EXPECT_EQ(m.gemm().entry, kGemmEntry);
  EXPECT_EQ(m.gemm().block, (std::array<int64_t, 3>{256, 1, 1}));
  EXPECT_EQ(m.gemm().dynamicSharedBytes, 75776);
  EXPECT_EQ(m.gemm().params.size(), kGemmParams.size());
  EXPECT_EQ(m.gemm().grid[2].text(), "ceil(S*C/128)");
  // The kernels may come in any order; unknown keys are ignored.
  FakeMetadata swapped;
  std::swap(swapped.probs, swapped.gemm);
  swapped.top.set("future_key", R"({"x": [null, 1.5]})");
  s = load(swapped, m);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(m.probs().entry, kProbsEntry);
  EXPECT_EQ(m.gemm().entry, kGemmEntry);
}

TEST(RuntimeMetadataTest, RejectsMalformedJson) {
  ForwardMetadata m;
  std::string text = FakeMetadata().str();
  Status s = loadForwardMetadata(kVariant, text.substr(0, text.size() - 1),
                                 kProbsEntry, kGemmEntry, m);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("metadata of kernel variant "
                             "'msa_pwa_fwd_bf16_c8_sm_90a' is not valid JSON: "
                             "line 1, column"),
            std::string::npos)
      << s.message();
  // Every truncation of a valid document is an error, never a crash.
  for (size_t n = 0; n < text.size(); ++n) {
    json::Value v;
    EXPECT_FALSE(json::parse(text.substr(0, n), v).ok()) << n;
  }
  s = loadForwardMetadata(kVariant, "[]", kProbsEntry, kGemmEntry, m);
  EXPECT_EQ(s.message(), "metadata of kernel variant "
                         "'msa_pwa_fwd_bf16_c8_sm_90a': must be an object, "
                         "got an array");
}

TEST(RuntimeMetadataTest, RejectsMissingKeys) {
  const std::string variant =
      "metadata of kernel variant 'msa_pwa_fwd_bf16_c8_sm_90a'";
  FakeMetadata m;
  m.gemm.erase("params");
  expectMetadataError(m, variant + ", kernel 'msa_pwa_fwd_bf16_c8': missing "
                                   "key \"params\"");
  for (const char *key : {"block", "dynamic_shared_bytes", "grid"}) {
    m = FakeMetadata();
    m.probs.erase(key);
    expectMetadataError(m, variant +
                               ", kernel 'msa_pwa_probs_bf16': missing key \"" +
                               key + "\"");
  }
  m = FakeMetadata();
  m.gemm.erase("entry");
  expectMetadataError(m, variant + ", kernels[1]: missing key \"entry\"");
  m = FakeMetadata();
  m.dropKernels = true;
  expectMetadataError(m, variant + ": missing key \"kernels\"");
  m = FakeMetadata();
  m.top.erase("name");
  expectMetadataError(m, variant + ": missing key \"name\"");
  m = FakeMetadata();
  m.probs.set("params", R"([{"name": "bias"}])");
  expectMetadataError(m, variant + ", kernel 'msa_pwa_probs_bf16': params[0]: "
                                   "missing key \"type\"");
}

TEST(RuntimeMetadataTest, RejectsWrongTypes) {
  FakeMetadata m;
  m.gemm.set("params", "{}");
  expectMetadataError(m, "kernel 'msa_pwa_fwd_bf16_c8': \"params\" must be an "
                         "array, got an object");
  m = FakeMetadata();
  m.gemm.set("block", "\"256\"");
  expectMetadataError(m, "\"block\" must be an array, got a string");
  m = FakeMetadata();
  m.gemm.set("block", "[256, 1]");
  expectMetadataError(m, "\"block\" must be an array of 3 integers");
  m = FakeMetadata();
  m.gemm.set("block", "[256.0, 1, 1]");
  expectMetadataError(m, "\"block\" must be an array of 3 integers");
  m = FakeMetadata();
  m.gemm.set("grid", R"j(["B*H", "ceil(R/128)"])j");
  expectMetadataError(m, "\"grid\" must be an array of 3 strings");
  m = FakeMetadata();
  m.gemm.set("grid", R"j(["B*H", "ceil(R/128)", 1])j");
  expectMetadataError(m, "\"grid\" must be an array of 3 strings");
  m = FakeMetadata();
  m.gemm.set("dynamic_shared_bytes", "\"75776\"");
  expectMetadataError(m, "\"dynamic_shared_bytes\" must be an integer, got a "
                         "string");
  m = FakeMetadata();
  m.gemm.set("dynamic_shared_bytes", "-1");
  expectMetadataError(m, "\"dynamic_shared_bytes\" = -1 is outside "
                         "[0, 2^31-1]");
  m = FakeMetadata();
  m.gemm.set("entry", "7");
  expectMetadataError(m, "kernels[1]: \"entry\" must be a string, got an "
                         "integer");
  m = FakeMetadata();
  m.top.set("kernels", "[1]");
  expectMetadataError(m, "kernels[0]: must be an object, got an integer");
  m = FakeMetadata();
  m.top.set("kernels", "{}");
  expectMetadataError(m, "\"kernels\" must be an array, got an object");
  m = FakeMetadata();
  m.probs.set("params", R"([{"name": "bias", "type": 1}])");
  expectMetadataError(m, "kernel 'msa_pwa_probs_bf16': params[0]: \"type\" "
                         "must be a string, got an integer");
  m = FakeMetadata();
  m.probs.set("params", R"j(["bias"])j");
  expectMetadataError(m, "kernel 'msa_pwa_probs_bf16': params[0] must be an "
                         "object, got a string");
}

TEST(RuntimeMetadataTest, RejectsUnknownParamType) {
  ParamList params = kProbsParams;
  params[17].second = "f64";
  FakeMetadata m;
  m.probs.set("params", paramsJson(params));
  expectMetadataError(m, "metadata of kernel variant "
                         "'msa_pwa_fwd_bf16_c8_sm_90a', kernel "
                         "'msa_pwa_probs_bf16': params[17] ('inf') has "
                         "unknown type \"f64\" (known: ptr, i64, f32)");
}

TEST(RuntimeMetadataTest, RejectsParamsTheRuntimeCannotSupply) {
  // A name the runtime has no value for.
  ParamList params = kProbsParams;
  params.push_back({"bias_scale", "f32"});
  FakeMetadata m;
  m.probs.set("params", paramsJson(params));
  expectMetadataError(m, "metadata of kernel variant "
                         "'msa_pwa_fwd_bf16_c8_sm_90a': kernel "
                         "'msa_pwa_probs_bf16' takes parameter 'bias_scale' "
                         "(f32), which this runtime does not supply");
  // Names are per kernel: the GEMM has no bias.
  m = FakeMetadata();
  params = kGemmParams;
  params.push_back({"bias", "ptr"});
  m.gemm.set("params", paramsJson(params));
  expectMetadataError(m, "kernel 'msa_pwa_fwd_bf16_c8' takes parameter "
                         "'bias' (ptr), which this runtime does not supply");
  // The GEMM's mask is the msa mask, indexed by (b, s, j), not (b, i, j).
  m = FakeMetadata();
  params = kGemmParams;
  params[23].first = "mask_stride_i";
  m.gemm.set("params", paramsJson(params));
  expectMetadataError(m, "kernel 'msa_pwa_fwd_bf16_c8' takes parameter "
                         "'mask_stride_i' (i64)");
  // A type other than the runtime's.
  m = FakeMetadata();
  params = kProbsParams;
  params[17].second = "i64";
  m.probs.set("params", paramsJson(params));
  expectMetadataError(m, "kernel 'msa_pwa_probs_bf16' declares parameter "
                         "'inf' as i64; this runtime supplies it as f32");
  m = FakeMetadata();
  params = kGemmParams;
  params[0].second = "i64";
  m.gemm.set("params", paramsJson(params));
  expectMetadataError(m, "kernel 'msa_pwa_fwd_bf16_c8' declares parameter "
                         "'probs' as i64; this runtime supplies it as ptr");
  // A name listed twice.
  m = FakeMetadata();
  params = kProbsParams;
  params.push_back({"B", "i64"});
  m.probs.set("params", paramsJson(params));
  expectMetadataError(m, "kernel 'msa_pwa_probs_bf16': params[18]: parameter "
                         "'B' is listed twice");
  // A kernel may take fewer parameters than the runtime offers.
  m = FakeMetadata();
  params = kProbsParams;
  params.pop_back();
  m.probs.set("params", paramsJson(params));
  ForwardMetadata result;
  Status s = load(m, result);
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST(RuntimeMetadataTest, RejectsBadBlocks) {
  for (auto [block, message] :
       std::initializer_list<std::pair<const char *, const char *>>{
           {"[0, 1, 1]", "block x = 0 is outside [1, 1024]"},
           {"[2048, 1, 1]", "block x = 2048 is outside [1, 1024]"},
           {"[1, -1, 1]", "block y = -1 is outside [1, 1024]"},
           {"[1, 1, 65]", "block z = 65 is outside [1, 64]"},
           {"[32, 32, 2]", "block of 2048 threads exceeds CUDA's 1024"}}) {
    FakeMetadata m;
    m.gemm.set("block", block);
    expectMetadataError(m, std::string("kernel 'msa_pwa_fwd_bf16_c8': ") +
                               message);
  }
  // Another block than the shipped one is launched as described.
  FakeMetadata m;
  m.probs.set("block", "[64, 2, 1]");
  ForwardMetadata result;
  Status s = load(m, result);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(result.probs().block, (std::array<int64_t, 3>{64, 2, 1}));
}

TEST(RuntimeMetadataTest, RejectsBadGrids) {
  FakeMetadata m;
  m.gemm.set("grid", R"j(["B*H", "ceil(R/", "ceil(S*C/128)"])j");
  expectMetadataError(m, "kernel 'msa_pwa_fwd_bf16_c8': grid y: cannot parse "
                         "\"ceil(R/\" at column 8: unexpected end");
  m = FakeMetadata();
  m.gemm.set("grid", R"j(["B*H", "ceil(R/128)", "ceil(S*K/128)"])j");
  expectMetadataError(m, "grid z: cannot parse \"ceil(S*K/128)\" at column "
                         "8: unknown size 'K'");
}

TEST(RuntimeMetadataTest, RejectsMissingOrDuplicateKernels) {
  FakeMetadata m;
  m.withGemm = false;
  expectMetadataError(m, "metadata of kernel variant "
                         "'msa_pwa_fwd_bf16_c8_sm_90a' does not describe "
                         "kernel 'msa_pwa_fwd_bf16_c8' (it lists "
                         "'msa_pwa_probs_bf16')");
  m = FakeMetadata();
  m.withProbs = m.withGemm = false;
  expectMetadataError(m, "does not describe kernel 'msa_pwa_probs_bf16' (it "
                         "lists none)");
  m = FakeMetadata();
  m.gemm = m.probs;
  expectMetadataError(m, "kernel 'msa_pwa_probs_bf16' is listed twice");
  m = FakeMetadata();
  m.gemm.set("entry", "\"msa_pwa_fwd_bf16_c16\"");
  expectMetadataError(m, "does not describe kernel 'msa_pwa_fwd_bf16_c8'");
  m = FakeMetadata();
  m.top.set("name", "\"msa_pwa_fwd_f16_c8_sm_90a\"");
  expectMetadataError(m, "metadata of kernel variant "
                         "'msa_pwa_fwd_bf16_c8_sm_90a': \"name\" is "
                         "'msa_pwa_fwd_f16_c8_sm_90a', not the variant's "
                         "name");
}

/// Forward values whose every field differs from the others.
ForwardValues distinctValues() {
  ForwardValues x;
  x.bias = 0x1000;
  x.pairMask = 0x2000;
  x.probs = 0x3000;
  x.lse = 0x4000;
  x.v = 0x5000;
  x.gate = 0x6000;
  x.msaMask = 0x7000;
  x.out = 0x8000;
  x.B = 2;
  x.S = 3;
  x.R = 5;
  x.H = 7;
  x.C = 16;
  x.Rp = 8;
  x.biasStrides = {101, 102, 103, 104};
  x.pairMaskStrides = {201, 202, 203};
  x.msaMaskStrides = {301, 302, 303};
  x.vStrides = {401, 402, 403, 404, 1};
  x.gateStrides = {501, 502, 503, 504, 1};
  x.outStrides = {601, 602, 603, 604, 1};
  x.hasPairMask = true;
  x.hasLse = false;
  x.hasMsaMask = true;
  x.inf = 1e8f;
  return x;
}

TEST(RuntimeLaunchTest, PacksParametersByName) {
  ForwardMetadata m;
  Status s = load(FakeMetadata(), m);
  ASSERT_TRUE(s.ok()) << s.message();
  ForwardValues x = distinctValues();
  std::vector<void *> params;
  KernelArguments probsArgs = probsArguments(x);
  s = probsArgs.pack(m.probs(), params);
  ASSERT_TRUE(s.ok()) << s.message();
  ASSERT_EQ(params.size(), 18u);
  EXPECT_EQ(read<uint64_t>(params[0]), 0x1000u); // bias
  EXPECT_EQ(read<uint64_t>(params[1]), 0x2000u); // pair_mask
  EXPECT_EQ(read<uint64_t>(params[2]), 0x3000u); // probs
  EXPECT_EQ(read<uint64_t>(params[3]), 0x4000u); // lse
  EXPECT_EQ(read<int64_t>(params[4]), 2);        // B
  EXPECT_EQ(read<int64_t>(params[5]), 5);        // R
  EXPECT_EQ(read<int64_t>(params[6]), 7);        // H
  EXPECT_EQ(read<int64_t>(params[7]), 8);        // Rp
  for (int i = 0; i < 4; ++i)                    // bias_stride_b/i/j/h
    EXPECT_EQ(read<int64_t>(params[8 + i]), 101 + i);
  for (int i = 0; i < 3; ++i) // mask_stride_b/i/j: the pair mask's
    EXPECT_EQ(read<int64_t>(params[12 + i]), 201 + i);
  EXPECT_EQ(read<int64_t>(params[15]), 1);  // has_pair_mask
  EXPECT_EQ(read<int64_t>(params[16]), 0);  // has_lse
  EXPECT_EQ(read<float>(params[17]), 1e8f); // inf

  KernelArguments gemmArgs = gemmArguments(x);
  s = gemmArgs.pack(m.gemm(), params);
  ASSERT_TRUE(s.ok()) << s.message();
  ASSERT_EQ(params.size(), 26u);
  const uint64_t pointers[] = {0x3000, 0x5000, 0x6000, 0x7000, 0x8000};
  for (int i = 0; i < 5; ++i) // probs, v, gate, msa_mask, out
    EXPECT_EQ(read<uint64_t>(params[i]), pointers[i]);
  const int64_t sizes[] = {2, 3, 5, 7, 8};
  for (int i = 0; i < 5; ++i) // B, S, R, H, Rp
    EXPECT_EQ(read<int64_t>(params[5 + i]), sizes[i]);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(read<int64_t>(params[10 + i]), 401 + i); // v_stride_b/s/j/h
    EXPECT_EQ(read<int64_t>(params[14 + i]), 501 + i); // gate_stride_b/s/i/h
    EXPECT_EQ(read<int64_t>(params[18 + i]), 601 + i); // out_stride_b/s/i/h
  }
  for (int i = 0; i < 3; ++i) // mask_stride_b/s/j: the msa mask's
    EXPECT_EQ(read<int64_t>(params[22 + i]), 301 + i);
  EXPECT_EQ(read<int64_t>(params[25]), 1); // has_msa_mask
}

TEST(RuntimeLaunchTest, FollowsTheMetadataOrder) {
  // The probs kernel with its parameters listed in reverse, plus C (which
  // the runtime offers too): the array follows the metadata.
  ParamList params(kProbsParams.rbegin(), kProbsParams.rend());
  params.insert(params.begin() + 3, {"C", "i64"});
  FakeMetadata fake;
  fake.probs.set("params", paramsJson(params));
  ForwardMetadata m;
  Status s = load(fake, m);
  ASSERT_TRUE(s.ok()) << s.message();
  KernelArguments args = probsArguments(distinctValues());
  std::vector<void *> packed;
  s = args.pack(m.probs(), packed);
  ASSERT_TRUE(s.ok()) << s.message();
  ASSERT_EQ(packed.size(), 19u);
  EXPECT_EQ(read<float>(packed[0]), 1e8f);        // inf
  EXPECT_EQ(read<int64_t>(packed[1]), 0);         // has_lse
  EXPECT_EQ(read<int64_t>(packed[2]), 1);         // has_pair_mask
  EXPECT_EQ(read<int64_t>(packed[3]), 16);        // C
  EXPECT_EQ(read<int64_t>(packed[4]), 203);       // mask_stride_j
  EXPECT_EQ(read<uint64_t>(packed[18]), 0x1000u); // bias
  // A table that lacks a parameter refuses to pack.
  KernelArguments partial;
  partial.setPointer("bias", 1);
  s = partial.pack(m.probs(), packed);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("kernel 'msa_pwa_probs_bf16' takes parameter "
                             "'inf' (f32), which this runtime does not supply "
                             "(it supplies: bias)"),
            std::string::npos)
      << s.message();
}

TEST(RuntimeLaunchTest, EvaluatesTheMetadataGrids) {
  ForwardMetadata m;
  Status s = load(FakeMetadata(), m);
  ASSERT_TRUE(s.ok()) << s.message();
  ForwardValues x = distinctValues();
  x.R = 300;
  x.S = 100;
  std::array<unsigned, 3> grid{};
  s = launchGrid(m.probs(), forwardSizes(x), grid);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(grid, (std::array<unsigned, 3>{300, 2, 1})); // (R, B, 1)
  s = launchGrid(m.gemm(), forwardSizes(x), grid);
  ASSERT_TRUE(s.ok()) << s.message();
  // (B*H, ceil(R/128), ceil(S*C/128))
  EXPECT_EQ(grid, (std::array<unsigned, 3>{14, 3, 13}));
}

TEST(RuntimeEmbeddedTest, EveryEmbeddedForwardVariantHasValidMetadata) {
  size_t count = 0, forward = 0;
  const EmbeddedKernel *table = embeddedKernels(count);
  for (size_t i = 0; i < count; ++i) {
    // msa_pwa_fwd_<kind>_c<C>_<chip>, in which the runtime launches
    // msa_pwa_probs_<dtype> and msa_pwa_fwd_<kind>_c<C>.
    std::string name = table[i].name;
    const std::string prefix = "msa_pwa_fwd_";
    if (name.rfind(prefix, 0) != 0)
      continue;
    ++forward;
    size_t c = name.find("_c", prefix.size());
    ASSERT_NE(c, std::string::npos) << name;
    size_t chip = name.find("_sm_", c);
    ASSERT_NE(chip, std::string::npos) << name;
    std::string kind = name.substr(prefix.size(), c - prefix.size());
    std::string dtype = kind == "tf32" ? "f32" : kind;
    ForwardMetadata m;
    Status s = loadForwardMetadata(
        name, table[i].json, "msa_pwa_probs_" + dtype, name.substr(0, chip), m);
    ASSERT_TRUE(s.ok()) << s.message();
    // A typical problem's grids are launchable.
    ForwardValues x = distinctValues();
    x.C = std::stoll(name.substr(c + 2, chip - c - 2));
    x.S = 512;
    x.R = x.Rp = 768;
    std::array<unsigned, 3> grid{};
    for (const KernelInfo *k : {&m.probs(), &m.gemm()}) {
      s = launchGrid(*k, forwardSizes(x), grid);
      EXPECT_TRUE(s.ok()) << name << ": " << s.message();
    }
  }
#ifdef MSA_EXPECT_EMBEDDED_KERNELS
  EXPECT_GT(forward, 0u);
#else
  EXPECT_EQ(forward, 0u);
#endif
}

} // namespace
