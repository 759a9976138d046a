//===- Numeric.h - Host numeric helpers for tests ---------------*- C++ -*-===//
//
// Host-side numeric utilities shared by the project's tests: conversions
// between float and the 16-bit formats bfloat16 / IEEE half (round to nearest
// even, with correct NaN, infinity, subnormal and overflow handling), a small
// element-type descriptor with typed load/store of double values, error
// metrics, and a deterministic random number generator with mask helpers.
//
//===----------------------------------------------------------------------===//

#ifndef MSA_REFERENCE_NUMERIC_H
#define MSA_REFERENCE_NUMERIC_H

#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <string_view>
#include <vector>

namespace msa::reference {

//===----------------------------------------------------------------------===//
// 16-bit floating point conversions
//===----------------------------------------------------------------------===//

/// Converts a float to bfloat16 bits with round-to-nearest-even. Values that
/// round past the largest finite bfloat16 become infinity; subnormals are
/// rounded like any other value; NaN stays NaN (quiet, sign preserved).
uint16_t floatToBF16(float value);

/// Converts bfloat16 bits to float (exact).
float bf16ToFloat(uint16_t bits);

/// Converts a float to IEEE 754 binary16 bits with round-to-nearest-even.
/// Magnitudes >= 65520 become infinity, values below 2^-14 become half
/// subnormals (or zero below 2^-25, the tie at 2^-25 going to zero); NaN
/// stays NaN (quiet, sign preserved).
uint16_t floatToHalf(float value);

/// Converts IEEE binary16 bits to float (exact, subnormals included).
float halfToFloat(uint16_t bits);

//===----------------------------------------------------------------------===//
// Element types
//===----------------------------------------------------------------------===//

/// Storage element types used by the kernels under test.
enum class ElementType { BF16, F16, F32 };

/// Size in bytes of one element of type `type`.
size_t elementSize(ElementType type);

/// Lower-case name of `type`: "bf16", "f16" or "f32".
const char *name(ElementType type);

/// Parses "bf16", "f16" or "f32" (exact, lower case); std::nullopt otherwise.
std::optional<ElementType> parseElementType(std::string_view text);

/// Rounds `value` to the nearest value representable in `type`, ties to even,
/// directly from double (no double rounding through float). Overflow gives
/// +-infinity, underflow gives subnormals or a signed zero, NaN stays NaN.
double roundTo(ElementType type, double value);

/// Stores roundTo(type, value) into element `index` of the array of `type`
/// elements that starts at `base`.
void storeAs(ElementType type, double value, void *base, int64_t index);

/// Loads element `index` of the array of `type` elements at `base` (exact).
double loadAs(ElementType type, const void *base, int64_t index);

//===----------------------------------------------------------------------===//
// Error metrics
//===----------------------------------------------------------------------===//

/// ||x - ref||_2 / ||ref||_2 over `n` elements; returns the absolute norm
/// ||x - ref||_2 when ||ref||_2 == 0, and 0 when n <= 0. A NaN anywhere in
/// either input gives NaN (so comparisons against a tolerance fail).
double relativeError(const double *x, const double *ref, int64_t n);

/// max_k |x[k] - ref[k]| over `n` elements (0 when n <= 0); NaN if any
/// difference is NaN.
double maxAbsError(const double *x, const double *ref, int64_t n);

//===----------------------------------------------------------------------===//
// Deterministic random numbers
//===----------------------------------------------------------------------===//

/// A seeded std::mt19937_64 with distributions implemented here, so that the
/// sequence for a given seed is the same with every standard library.
class Rng {
public:
  /// Creates a generator with the given seed.
  explicit Rng(uint64_t seed = 0x5eed) : engine(seed) {}

  /// Uniform double in [0, 1) with 53 random bits.
  double uniform01();

  /// Uniform double in [lo, hi).
  double uniform(double lo, double hi);

  /// Uniform integer in [lo, hi] (requires lo <= hi).
  int64_t uniformInt(int64_t lo, int64_t hi);

  /// True with probability `p`.
  bool bernoulli(double p);

  /// Fills `n` elements of `data` with uniform values in [lo, hi).
  void fill(double *data, int64_t n, double lo, double hi);

  /// Returns `n` uniform values in [lo, hi).
  std::vector<double> vector(int64_t n, double lo, double hi);

  /// Fills a 0/1 mask laid out as `numRows` contiguous rows of `rowLength`
  /// elements: each element is 1 with probability `probOne`, then every row
  /// listed in `fullyMaskedRows` (indices in [0, numRows), others ignored) is
  /// set entirely to 0. For a pair mask [B,R,R] use numRows = B*R, rowLength
  /// = R and row b*R+i; for an MSA mask [B,S,R] use numRows = B*S, rowLength
  /// = R and row b*S+s.
  void fillMask(double *mask, int64_t numRows, int64_t rowLength,
                double probOne,
                const std::vector<int64_t> &fullyMaskedRows = {});

  /// The underlying engine.
  std::mt19937_64 &raw() { return engine; }

private:
  std::mt19937_64 engine;
};

} // namespace msa::reference

#endif // MSA_REFERENCE_NUMERIC_H
