//===- Numeric.cpp - Host numeric helpers for tests -----------------------===//
//
// Implements the 16-bit float conversions, element-type utilities, error
// metrics and the deterministic RNG declared in msa/Reference/Numeric.h.
// The float <-> 16-bit conversions work on bit patterns; roundTo() works on
// doubles with a generic round-to-nearest-even on a binary grid, so the two
// are independent implementations that the tests cross-check.
//
//===----------------------------------------------------------------------===//

#include "msa/Reference/Numeric.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace msa::reference {

namespace {

uint32_t floatBits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof(u));
  return u;
}

float bitsToFloat(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof(f));
  return f;
}

/// Rounds a non-negative double that is below 2^53 to the nearest integer,
/// ties to even, independent of the floating point environment.
double roundHalfEven(double scaled) {
  double lower = std::floor(scaled);
  double frac = scaled - lower; // exact for |scaled| < 2^52
  if (frac > 0.5)
    return lower + 1.0;
  if (frac < 0.5)
    return lower;
  return std::fmod(lower, 2.0) == 0.0 ? lower : lower + 1.0;
}

/// Rounds `x` to a binary format with `precision` significand bits
/// (implicit bit included), smallest normal exponent `minExp` and largest
/// exponent `maxExp`, ties to even; overflow gives infinity.
double roundToFormat(double x, int precision, int minExp, int maxExp) {
  if (!std::isfinite(x) || x == 0.0)
    return x;
  int e = 0;
  std::frexp(x, &e); // |x| = f * 2^e with f in [0.5, 1)
  int exponent = std::max(e - 1, minExp);
  int quantumExp = exponent - (precision - 1);
  double magnitude = std::ldexp(std::fabs(x), -quantumExp); // < 2^precision
  double rounded = std::ldexp(roundHalfEven(magnitude), quantumExp);
  double maxFinite = std::ldexp(2.0 - std::ldexp(1.0, 1 - precision), maxExp);
  if (rounded > maxFinite)
    rounded = std::numeric_limits<double>::infinity();
  return std::copysign(rounded, x);
}

} // namespace

//===----------------------------------------------------------------------===//
// 16-bit conversions
//===----------------------------------------------------------------------===//

uint16_t floatToBF16(float value) {
  uint32_t u = floatBits(value);
  if ((u & 0x7FFFFFFFu) > 0x7F800000u) // NaN: keep sign and top payload, quiet
    return static_cast<uint16_t>((u >> 16) | 0x0040u);
  // Adding 0x7FFF plus the lowest kept bit rounds to nearest, ties to even;
  // a carry out of the mantissa bumps the exponent, up to infinity.
  u += 0x7FFFu + ((u >> 16) & 1u);
  return static_cast<uint16_t>(u >> 16);
}

float bf16ToFloat(uint16_t bits) {
  return bitsToFloat(static_cast<uint32_t>(bits) << 16);
}

uint16_t floatToHalf(float value) {
  uint32_t u = floatBits(value);
  uint16_t sign = static_cast<uint16_t>((u >> 16) & 0x8000u);
  uint32_t a = u & 0x7FFFFFFFu;

  if (a > 0x7F800000u) // NaN: quiet, keep sign and top payload bits
    return static_cast<uint16_t>(sign | 0x7E00u | ((a >> 13) & 0x3FFu));
  if (a >= 0x477FF000u) // >= 65520 (halfway past 65504, ties to even): inf
    return static_cast<uint16_t>(sign | 0x7C00u);

  if (a < 0x38800000u) {  // below 2^-14: half subnormal or zero
    if (a <= 0x33000000u) // <= 2^-25: rounds to zero (the tie goes to even 0)
      return sign;
    uint32_t exponent = a >> 23; // 102 .. 112
    uint32_t mantissa = (a & 0x7FFFFFu) | 0x800000u;
    // value = mantissa * 2^(exponent - 150); in units of 2^-24 that is
    // mantissa * 2^(exponent - 126), i.e. a right shift by 126 - exponent.
    uint32_t shift = 126u - exponent; // 14 .. 24
    uint32_t result = mantissa >> shift;
    uint32_t rem = mantissa & ((1u << shift) - 1u);
    uint32_t half = 1u << (shift - 1u);
    if (rem > half || (rem == half && (result & 1u)))
      ++result; // may carry into 0x400, the smallest normal: still correct
    return static_cast<uint16_t>(sign | result);
  }

  // Normal: rebias the exponent (127 -> 15) and round off 13 mantissa bits.
  uint32_t r = a - 0x38000000u;
  r += 0x0FFFu + ((r >> 13) & 1u);
  return static_cast<uint16_t>(sign | (r >> 13));
}

float halfToFloat(uint16_t bits) {
  uint32_t sign = static_cast<uint32_t>(bits & 0x8000u) << 16;
  uint32_t exponent = (bits >> 10) & 0x1Fu;
  uint32_t mantissa = bits & 0x3FFu;
  if (exponent == 0) {
    // Zero or subnormal: mantissa * 2^-24, exact in float.
    float magnitude = std::ldexp(static_cast<float>(mantissa), -24);
    return sign ? -magnitude : magnitude;
  }
  if (exponent == 0x1F)
    return bitsToFloat(sign | 0x7F800000u | (mantissa << 13));
  return bitsToFloat(sign | ((exponent + 112u) << 23) | (mantissa << 13));
}

//===----------------------------------------------------------------------===//
// Element types
//===----------------------------------------------------------------------===//

size_t elementSize(ElementType type) {
  switch (type) {
  case ElementType::BF16:
  case ElementType::F16:
    return 2;
  case ElementType::F32:
    return 4;
  }
  return 0;
}

const char *name(ElementType type) {
  switch (type) {
  case ElementType::BF16:
    return "bf16";
  case ElementType::F16:
    return "f16";
  case ElementType::F32:
    return "f32";
  }
  return "unknown";
}

std::optional<ElementType> parseElementType(std::string_view text) {
  if (text == "bf16")
    return ElementType::BF16;
  if (text == "f16")
    return ElementType::F16;
  if (text == "f32")
    return ElementType::F32;
  return std::nullopt;
}

double roundTo(ElementType type, double value) {
  switch (type) {
  case ElementType::BF16:
    return roundToFormat(value, 8, -126, 127);
  case ElementType::F16:
    return roundToFormat(value, 11, -14, 15);
  case ElementType::F32:
    return roundToFormat(value, 24, -126, 127);
  }
  return value;
}

void storeAs(ElementType type, double value, void *base, int64_t index) {
  // roundTo() gives a value exactly representable in the target type (and so
  // in float), which makes the conversions below exact.
  float rounded = static_cast<float>(roundTo(type, value));
  switch (type) {
  case ElementType::BF16: {
    uint16_t bits = floatToBF16(rounded);
    std::memcpy(static_cast<uint16_t *>(base) + index, &bits, sizeof(bits));
    return;
  }
  case ElementType::F16: {
    uint16_t bits = floatToHalf(rounded);
    std::memcpy(static_cast<uint16_t *>(base) + index, &bits, sizeof(bits));
    return;
  }
  case ElementType::F32:
    std::memcpy(static_cast<float *>(base) + index, &rounded, sizeof(rounded));
    return;
  }
}

double loadAs(ElementType type, const void *base, int64_t index) {
  switch (type) {
  case ElementType::BF16: {
    uint16_t bits;
    std::memcpy(&bits, static_cast<const uint16_t *>(base) + index,
                sizeof(bits));
    return bf16ToFloat(bits);
  }
  case ElementType::F16: {
    uint16_t bits;
    std::memcpy(&bits, static_cast<const uint16_t *>(base) + index,
                sizeof(bits));
    return halfToFloat(bits);
  }
  case ElementType::F32: {
    float f;
    std::memcpy(&f, static_cast<const float *>(base) + index, sizeof(f));
    return f;
  }
  }
  return std::numeric_limits<double>::quiet_NaN();
}

//===----------------------------------------------------------------------===//
// Error metrics
//===----------------------------------------------------------------------===//

double relativeError(const double *x, const double *ref, int64_t n) {
  if (n <= 0)
    return 0.0;
  double diffSq = 0.0, refSq = 0.0;
  for (int64_t k = 0; k < n; ++k) {
    double d = x[k] - ref[k];
    diffSq += d * d;
    refSq += ref[k] * ref[k];
  }
  double diffNorm = std::sqrt(diffSq);
  if (refSq == 0.0)
    return diffNorm;
  return diffNorm / std::sqrt(refSq);
}

double maxAbsError(const double *x, const double *ref, int64_t n) {
  double result = 0.0;
  for (int64_t k = 0; k < n; ++k) {
    double d = std::fabs(x[k] - ref[k]);
    if (std::isnan(d))
      return d;
    result = std::max(result, d);
  }
  return result;
}

//===----------------------------------------------------------------------===//
// Rng
//===----------------------------------------------------------------------===//

double Rng::uniform01() {
  return static_cast<double>(engine() >> 11) * 0x1.0p-53;
}

double Rng::uniform(double lo, double hi) {
  return lo + (hi - lo) * uniform01();
}

int64_t Rng::uniformInt(int64_t lo, int64_t hi) {
  uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
  if (span == std::numeric_limits<uint64_t>::max())
    return static_cast<int64_t>(engine());
  // Rejection sampling keeps the distribution exactly uniform.
  uint64_t range = span + 1;
  uint64_t limit = std::numeric_limits<uint64_t>::max() -
                   std::numeric_limits<uint64_t>::max() % range;
  uint64_t r;
  do {
    r = engine();
  } while (r >= limit);
  return static_cast<int64_t>(static_cast<uint64_t>(lo) + r % range);
}

bool Rng::bernoulli(double p) { return uniform01() < p; }

void Rng::fill(double *data, int64_t n, double lo, double hi) {
  for (int64_t k = 0; k < n; ++k)
    data[k] = uniform(lo, hi);
}

std::vector<double> Rng::vector(int64_t n, double lo, double hi) {
  std::vector<double> result(static_cast<size_t>(std::max<int64_t>(n, 0)));
  fill(result.data(), static_cast<int64_t>(result.size()), lo, hi);
  return result;
}

void Rng::fillMask(double *mask, int64_t numRows, int64_t rowLength,
                   double probOne,
                   const std::vector<int64_t> &fullyMaskedRows) {
  for (int64_t k = 0; k < numRows * rowLength; ++k)
    mask[k] = bernoulli(probOne) ? 1.0 : 0.0;
  for (int64_t row : fullyMaskedRows) {
    if (row < 0 || row >= numRows)
      continue;
    std::fill(mask + row * rowLength, mask + (row + 1) * rowLength, 0.0);
  }
}

} // namespace msa::reference
