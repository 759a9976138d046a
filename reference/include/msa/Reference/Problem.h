//===- Problem.h - Random test problems for the msa op ----------*- C++ -*-===//
//
// A Problem is one random instance of the operation: typed host buffers
// holding exactly what a kernel reads (bf16/f16/f32 bits), the double values
// of those same numbers, NaN-poisoned output buffers, and the float64
// reference results. Every correctness check in the project (CPU path, GPU
// kernels, tools) builds its inputs and verdicts from this one place.
//
//===----------------------------------------------------------------------===//

#ifndef MSA_REFERENCE_PROBLEM_H
#define MSA_REFERENCE_PROBLEM_H

#include "msa/Reference/Numeric.h"
#include "msa/Reference/Reference.h"

#include <cstdint>
#include <string>
#include <vector>

namespace msa::reference {

/// A host tensor in one element type, with its values as doubles.
struct Tensor {
  ElementType type = ElementType::F32;
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;

  Tensor() = default;
  Tensor(ElementType type, std::vector<int64_t> shape);

  int64_t numElements() const;
  void *data() { return bytes.data(); }
  const void *data() const { return bytes.data(); }
  size_t sizeInBytes() const { return bytes.size(); }
  /// Stores `values` rounded to the element type.
  void assign(const std::vector<double> &values);
  /// The stored values, widened to double.
  std::vector<double> values() const;
  /// Fills every element with NaN, so that an element a kernel forgets to
  /// write cannot pass a check.
  void poison();
};

/// What to generate.
struct ProblemConfig {
  Shape shape;
  ElementType dtype = ElementType::F32; // v, gate, out, dout and gradients
  ElementType biasType = ElementType::F32;
  bool pairMask = false;
  bool msaMask = false;
  /// With masks: also mask one whole pair row (b = 0, i = 0) and one whole
  /// MSA row (b = B-1, s = 0).
  bool fullyMaskedRows = true;
  double inf = 1e8;
  uint64_t seed = 1;
};

/// One random problem with its float64 reference results.
class Problem {
public:
  explicit Problem(const ProblemConfig &config);

  const ProblemConfig &config() const { return cfg; }
  const Shape &shape() const { return cfg.shape; }

  // Inputs (random, then rounded to their element types).
  Tensor v, bias, gate, pairMask, msaMask, dout;
  // Outputs, poisoned with NaN. `lse` is f32 [B, H, R].
  Tensor out, lse, dv, dbias, dgate;

  /// The reference forward on the stored input values.
  std::vector<double> refOut, refLse;
  /// The reference backward; computed on demand by computeBackward().
  std::vector<double> refDv, refDbias, refDgate;

  /// Fills refDv, refDbias and refDgate.
  void computeBackward();

  /// ||W * dW||, the size of the terms whose difference is dbias =
  /// W * (dW - D). With R = 1 dbias is exactly 0 for every input (dW = D),
  /// so its own norm cannot scale an error; this one can. Needs
  /// computeBackward().
  double dbiasTermsNorm() const;

  /// Reference Inputs pointing at the double values of the inputs.
  Inputs referenceInputs() const;

  /// One-line description: shape, dtype, masks.
  std::string describe() const;

private:
  ProblemConfig cfg;
  std::vector<double> vValues, biasValues, gateValues, pairMaskValues,
      msaMaskValues, doutValues;
};

/// The relative-error limit (||x - ref|| / ||ref||) a result in `dtype`
/// must meet; `tf32` selects the tf32 limit for f32.
double tolerance(ElementType dtype, bool tf32 = false);

/// Compares `actual` with `reference`: ||actual - reference|| / scale must
/// not exceed `limit`, where `scale` is ||reference|| unless given (> 0). On
/// failure `message` says what and by how much (also if `actual` holds NaN).
bool checkClose(const char *what, const Tensor &actual,
                const std::vector<double> &reference, double limit,
                std::string &message, double *relErrOut = nullptr,
                double scale = 0.0);

} // namespace msa::reference

#endif // MSA_REFERENCE_PROBLEM_H
