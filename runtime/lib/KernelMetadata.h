//===- KernelMetadata.h - Launch facts from msa-codegen's JSON --*- C++ -*-===//
//
// msa-codegen describes each kernel it emits in the variant's JSON: entry
// name, block, dynamic shared memory, grid (as expressions over the problem
// sizes) and the ordered parameter list (name and type). The runtime launches
// from that description: it parses and checks it when a variant is loaded,
// supplies each parameter by name, and evaluates the grid per call, so a
// change of the kernels' ABI shows up as a load-time error that names the
// kernel instead of as a wrong launch.
//
//===----------------------------------------------------------------------===//

#ifndef MSA_RUNTIME_LIB_KERNELMETADATA_H
#define MSA_RUNTIME_LIB_KERNELMETADATA_H

#include "msa/Runtime/Runtime.h"

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace msa::runtime {

/// Values of the sizes that grid expressions name (B, S, R, ...).
using SizeTable = std::map<std::string, int64_t>;

/// An integer expression over named sizes, as msa-codegen writes grid
/// dimensions: decimal integers, identifiers, + - * /, parentheses,
/// ceil(a/b) (division rounding up), max(a, b) and min(a, b). Arithmetic is
/// on int64_t with overflow checks; a division needs a non-negative
/// dividend and a positive divisor (and rounds down outside ceil).
class SizeExpr {
public:
  /// Parses `text`; identifiers must be among `names`.
  static Status parse(const std::string &text,
                      const std::vector<std::string> &names, SizeExpr &result);
  /// Evaluates the expression with the sizes of `sizes`.
  Status evaluate(const SizeTable &sizes, int64_t &value) const;
  const std::string &text() const { return source; }
  /// The identifiers the expression uses, each once, in order of first use.
  std::vector<std::string> identifiers() const;

private:
  enum class Op { Constant, Name, Add, Sub, Mul, Div, CeilDiv, Max, Min };
  struct Node {
    Op op = Op::Constant;
    int64_t value = 0; // Constant
    std::string name;  // Name
    int lhs = -1, rhs = -1;
  };
  class Parser;
  Status evaluateNode(int node, const SizeTable &sizes, int64_t &value) const;

  std::vector<Node> nodes;
  int root = -1;
  std::string source;
};

/// The type of a kernel parameter: a device pointer, a 64-bit integer or a
/// 32-bit float ("ptr", "i64", "f32" in the metadata).
enum class ParamType { Ptr, I64, F32 };
const char *paramTypeName(ParamType type);

struct KernelParam {
  std::string name;
  ParamType type;
};

/// One kernel of a variant, as its metadata describes it.
struct KernelInfo {
  std::string entry;
  std::array<int64_t, 3> block{};
  int64_t dynamicSharedBytes = 0;
  std::array<SizeExpr, 3> grid;
  std::vector<KernelParam> params;
};

/// A device buffer the kernels of a variant share, which the runtime
/// allocates: its name and its size in elements.
struct ScratchInfo {
  std::string name;
  SizeExpr elements;
};

/// A variant's metadata: its kernels in the order they are listed.
struct VariantMetadata {
  std::string name;
  std::string op; // "forward", "backward", or empty when not stated
  std::vector<KernelInfo> kernels;
  std::vector<ScratchInfo> scratch;
  /// The kernel named `entry`, or null.
  const KernelInfo *kernel(const std::string &entry) const;
  /// The scratch buffer named `name`, or null.
  const ScratchInfo *scratchBuffer(const std::string &name) const;
};

/// Parses and checks the JSON of variant `variant` for the structure the
/// runtime relies on: a "name" equal to `variant`, and a "kernels" list whose
/// entries each have a unique "entry", a "block" of three integers that CUDA
/// can launch, a non-negative "dynamic_shared_bytes", a "grid" of three
/// expressions over `sizeNames`, and "params" with unique names and known
/// types. "op" (a string) and "scratch" (objects with a unique "name" and an
/// "elements" expression over `sizeNames`) are optional. Errors name the
/// variant and the kernel. Other keys are ignored.
Status parseVariantMetadata(const std::string &variant, const std::string &json,
                            const std::vector<std::string> &sizeNames,
                            VariantMetadata &result);

/// Values a launch can pass, by parameter name; pack() lays them out in the
/// order a kernel's metadata lists its parameters.
class KernelArguments {
public:
  void setPointer(const std::string &name, uint64_t address);
  void setInt(const std::string &name, int64_t value);
  void setFloat(const std::string &name, float value);
  /// Every size of `sizes`, as integers under their names.
  void setSizes(const SizeTable &sizes);
  /// `prefix`_stride_<d> = strides[k] for the k-th one-letter dimension d
  /// of `dims` (e.g. "bijh").
  void setStrides(const std::string &prefix, const std::string &dims,
                  const int64_t *strides);

  /// Checks that every parameter of `kernel` is supplied, with its type.
  Status check(const KernelInfo &kernel) const;
  /// The cuLaunchKernel parameter array for `kernel`: pointers into this
  /// table, which must outlive the launch call.
  Status pack(const KernelInfo &kernel, std::vector<void *> &params) const;

private:
  struct Slot {
    ParamType type;
    union {
      uint64_t pointer;
      int64_t integer;
      float real;
    };
  };
  std::map<std::string, Slot> slots;
};

/// A kernel a launch needs: its entry name and the arguments the runtime
/// supplies to it (only their names and types matter here).
struct KernelRequirement {
  std::string entry;
  KernelArguments arguments;
};

/// Finds each required kernel in `metadata` and checks that the runtime
/// supplies every parameter it declares, with its type; `indices` receives
/// each kernel's position in metadata.kernels. Errors start with `where`.
Status findKernels(const VariantMetadata &metadata,
                   const std::vector<KernelRequirement> &required,
                   const std::string &where, std::vector<size_t> &indices);

/// The largest grid dimensions CUDA launches: x, then y and z.
constexpr int64_t kMaxGridX = 2147483647, kMaxGridYZ = 65535;

/// Evaluates `kernel`'s grid with `sizes` and checks each dimension against
/// CUDA's limits ([1, 2^31-1] for x, [1, 65535] for y and z).
Status launchGrid(const KernelInfo &kernel, const SizeTable &sizes,
                  std::array<unsigned, 3> &grid);

} // namespace msa::runtime

#endif // MSA_RUNTIME_LIB_KERNELMETADATA_H
