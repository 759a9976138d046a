//===- Runtime.h - Load and launch the msa GPU kernels ----------*- C++ -*-===//
//
// The runtime of the msa kernel compiler: it opens the CUDA driver at run
// time (dlopen of libcuda.so.1, so binaries start on machines without one),
// loads the PTX that msa-codegen wrote, checks every argument, and launches
// the kernels on the caller's stream without synchronizing. It uses only the
// CUDA driver API and builds without LLVM/MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef MSA_RUNTIME_RUNTIME_H
#define MSA_RUNTIME_RUNTIME_H

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

struct CUstream_st;
struct CUmod_st;

namespace msa::runtime {

struct ForwardMetadata;  // a forward variant's parsed kernel metadata
struct BackwardMetadata; // a backward variant's parsed kernel metadata

/// The outcome of a runtime call: success, or an error with its message.
class [[nodiscard]] Status {
public:
  static Status success() { return Status(); }
  static Status error(std::string message) {
    Status s;
    s.failed = true;
    s.text = std::move(message);
    return s;
  }
  bool ok() const { return !failed; }
  explicit operator bool() const { return ok(); }
  const std::string &message() const { return text; }

private:
  bool failed = false;
  std::string text;
};

/// Element type of the data tensors (v, bias, gate, masks, out).
enum class DType { BF16, F16, F32 };

/// How f32 data reaches the tensor cores: `IEEE` keeps f32 accuracy
/// (3xTF32), `TF32` rounds the operands to tf32. bf16/f16 take `IEEE`.
enum class Precision { IEEE, TF32 };

/// Size of one element of `dtype` in bytes.
size_t elementSize(DType dtype);
/// "bf16", "f16" or "f32".
const char *dtypeName(DType dtype);

/// Arguments of the forward: device pointers and sizes. Strides are in
/// elements; a stride array of all zeros means the dense row-major layout of
/// the PyTorch tensors: v, gate, out [B, S, R, H, C]; bias [B, R, R, H];
/// pair mask [B, R, R]; msa mask [B, S, R]. The innermost dimension (c of
/// v/gate/out, h of bias, j of the masks) must be contiguous.
struct ForwardArgs {
  int64_t B = 0, S = 0, R = 0, H = 0, C = 0;
  DType dtype = DType::BF16;
  Precision precision = Precision::IEEE;
  const void *v = nullptr;
  const void *bias = nullptr;
  const void *gate = nullptr;
  const void *pairMask = nullptr; // optional, [B, R, R], dtype
  const void *msaMask = nullptr;  // optional, [B, S, R], dtype
  void *out = nullptr;
  float *lse = nullptr; // optional, dense [B, H, R], f32
  std::array<int64_t, 5> vStrides{}, gateStrides{}, outStrides{};
  std::array<int64_t, 4> biasStrides{};
  std::array<int64_t, 3> pairMaskStrides{}, msaMaskStrides{};
  double inf = 1e8;
};

/// Checks `args` without touching a GPU: sizes, overflow, pointers,
/// alignment, strides, supported dtype and head dimension.
Status validate(const ForwardArgs &args);

/// Arguments of the backward (the gradient of the forward with respect to
/// v, bias and gate, given the gradient `dout` of its result): device
/// pointers and sizes, with the forward's conventions. Strides are in
/// elements; all zeros means dense row-major: dout, v, gate, out, dv, dgate
/// [B, S, R, H, C]; bias, dbias [B, R, R, H]; pair mask [B, R, R]; msa mask
/// [B, S, R]. Every tensor but lse has the element type `dtype`. The
/// channel dimension C of dout, v, gate, out, dv and dgate must be
/// contiguous, and v's other strides multiples of 16 bytes (it is
/// read by 16-byte copies). `out` is the forward's result for the same
/// inputs (the row sums D = sum_{s,c} dout * out are taken from it). The
/// softmax statistics are recomputed from bias and the pair mask: `lse`,
/// the forward's optional output, may be passed (it is checked, never read)
/// or left null. The outputs must not overlap each other, themselves or any
/// input.
struct BackwardArgs {
  int64_t B = 0, S = 0, R = 0, H = 0, C = 0;
  DType dtype = DType::BF16;
  Precision precision = Precision::IEEE;
  const void *dout = nullptr;
  const void *v = nullptr;
  const void *bias = nullptr;
  const void *gate = nullptr;
  const void *out = nullptr;
  const float *lse = nullptr;     // optional, dense [B, H, R], f32; unused
  const void *pairMask = nullptr; // optional, [B, R, R], dtype
  const void *msaMask = nullptr;  // optional, [B, S, R], dtype
  void *dv = nullptr;
  void *dbias = nullptr;
  void *dgate = nullptr;
  std::array<int64_t, 5> doutStrides{}, vStrides{}, gateStrides{}, outStrides{},
      dvStrides{}, dgateStrides{};
  std::array<int64_t, 4> biasStrides{}, dbiasStrides{};
  std::array<int64_t, 3> pairMaskStrides{}, msaMaskStrides{};
  double inf = 1e8;
};

/// Checks `args` without touching a GPU, with the forward's rules for the
/// tensors the two share, and for the three outputs: no overlap with each
/// other, with themselves or with any input.
Status validate(const BackwardArgs &args);

/// The kernel chip for a device of compute capability major.minor: sm_90a
/// (wgmma-capable, arch-specific PTX) on 9.0, sm_80 PTX (JIT-compiled
/// forward) on every other 8.0+ device; devices below 8.0 are refused (no
/// bf16 tensor cores, no cp.async).
Status chipForComputeCapability(int major, int minor, std::string &chip);

/// Device memory in the current context, freed on destruction.
class DeviceBuffer {
public:
  DeviceBuffer() = default;
  DeviceBuffer(DeviceBuffer &&other) noexcept;
  DeviceBuffer &operator=(DeviceBuffer &&other) noexcept;
  DeviceBuffer(const DeviceBuffer &) = delete;
  DeviceBuffer &operator=(const DeviceBuffer &) = delete;
  ~DeviceBuffer();

  /// Allocates `bytes` (> 0) with cuMemAlloc.
  static Status allocate(size_t bytes, DeviceBuffer &buffer);
  /// Copies `bytes` from host memory to the start of the buffer (blocking).
  Status upload(const void *host, size_t bytes);
  /// Copies `bytes` from the start of the buffer to host memory (blocking).
  Status download(void *host, size_t bytes) const;
  void *data() const { return reinterpret_cast<void *>(address); }
  size_t size() const { return bytes; }

private:
  unsigned long long address = 0;
  size_t bytes = 0;
};

/// Waits for `stream` (null: the legacy default stream).
Status synchronize(CUstream_st *stream);

/// The kernel variants embedded in this build of the library, by name
/// (e.g. "msa_pwa_fwd_bf16_c32_sm_90a", "msa_pwa_bwd_bf16_c32_sm_90a");
/// empty if it embeds none.
std::vector<std::string> embeddedVariants();

/// Loaded kernels for the current CUDA context.
class Runtime {
public:
  /// Opens the driver, initializes it and binds to the current context of the
  /// calling thread (or the primary context of `device` if there is none).
  /// Kernels are loaded on first use from `kernelDir` (msa-codegen's output),
  /// or, when `kernelDir` is empty, from those embedded in the library.
  static Status create(const std::string &kernelDir,
                       std::unique_ptr<Runtime> &runtime, int device = 0);
  ~Runtime();
  Runtime(const Runtime &) = delete;
  Runtime &operator=(const Runtime &) = delete;

  /// The chip the kernels are selected for ("sm_80" or "sm_90a").
  const std::string &chip() const { return chipName; }

  /// Launches the forward on `stream` (no synchronization), with this
  /// runtime's context current for the duration of the call, from any
  /// thread. R == 0, or S == 0 without an lse output, is a successful no-op.
  Status forward(const ForwardArgs &args, CUstream_st *stream);

  /// Launches the backward on `stream` (no synchronization), like forward():
  /// four kernels (the probabilities, dO' and dgate with the row sums D, dv,
  /// dbias) with their scratch taken from and returned to this runtime's
  /// stream-ordered pool. B, R or H == 0 is a successful no-op. S == 0
  /// leaves nothing to read and sets dbias to 0 (its gradient with no MSA
  /// rows), by memsets that skip any gaps between its elements.
  Status backward(const BackwardArgs &args, CUstream_st *stream);

private:
  Runtime() = default;
  /// A loaded kernel variant: its module, entry points (in launch order)
  /// and the metadata its launches follow (block, grid, shared memory,
  /// parameter order); `forward` or `backward` is set, by the variant's op.
  struct Variant {
    CUmod_st *module = nullptr;
    std::vector<void *> functions; // CUfunction
    std::shared_ptr<const ForwardMetadata> forward;
    std::shared_ptr<const BackwardMetadata> backward;
  };
  Status variant(const std::string &name, const std::string &dtype,
                 const std::string &kind, int64_t headDim, bool backward,
                 const Variant *&loaded);

  std::string kernelDir, chipName;
  void *context = nullptr;
  /// Stream-ordered pool for the kernels' scratch; it keeps freed
  /// memory for reuse instead of returning it at every synchronization.
  void *scratchPool = nullptr;
  bool ownsPrimaryContext = false;
  int device = 0;
  std::map<std::string, Variant> variants;
  std::mutex variantsMutex; // calls may come from several threads
};

} // namespace msa::runtime

#endif // MSA_RUNTIME_RUNTIME_H
