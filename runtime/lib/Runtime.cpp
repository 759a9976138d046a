//===- Runtime.cpp - Load and launch the msa GPU kernels ------------------===//
//
// Module loading (PTX from msa-codegen, JIT-compiled by the driver with its
// logs captured), the two-kernel forward launch and the four-kernel backward
// launch. The arguments are checked by Validate.cpp.
//
//===----------------------------------------------------------------------===//

#include "msa/Runtime/Runtime.h"

#include "BackwardLaunch.h"
#include "Driver.h"
#include "EmbeddedKernels.h"
#include "ForwardLaunch.h"
#include "Validate.h"

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

namespace msa::runtime {

size_t elementSize(DType dtype) { return dtype == DType::F32 ? 4 : 2; }

const char *dtypeName(DType dtype) {
  switch (dtype) {
  case DType::BF16:
    return "bf16";
  case DType::F16:
    return "f16";
  case DType::F32:
    return "f32";
  }
  return "?";
}

namespace {

// Kernel arguments hold device addresses as uint64_t.
static_assert(sizeof(CUdeviceptr) == sizeof(uint64_t));
CUdeviceptr ptr(const void *p) { return reinterpret_cast<CUdeviceptr>(p); }

} // namespace

std::vector<std::string> embeddedVariants() {
  size_t count = 0;
  const EmbeddedKernel *table = embeddedKernels(count);
  std::vector<std::string> names;
  for (size_t i = 0; i < count; ++i)
    names.push_back(table[i].name);
  return names;
}

Status Runtime::create(const std::string &kernelDir,
                       std::unique_ptr<Runtime> &runtime, int device) {
  std::string why;
  const Driver *d = driver(&why);
  if (!d)
    return Status::error(why);
  if (CUresult r = d->cuInit(0); r != CUDA_SUCCESS)
    return driverError("cuInit", r);
  std::unique_ptr<Runtime> rt(new Runtime());
  rt->kernelDir = kernelDir;
  CUcontext ctx = nullptr;
  if (CUresult r = d->cuCtxGetCurrent(&ctx); r != CUDA_SUCCESS)
    return driverError("cuCtxGetCurrent", r);
  CUdevice dev;
  if (!ctx) {
    int count = 0;
    if (CUresult r = d->cuDeviceGetCount(&count); r != CUDA_SUCCESS)
      return driverError("cuDeviceGetCount", r);
    if (count == 0)
      return Status::error("no CUDA device");
    if (device < 0 || device >= count)
      return Status::error("device " + std::to_string(device) +
                           " does not exist (" + std::to_string(count) +
                           " devices)");
    if (CUresult r = d->cuDeviceGet(&dev, device); r != CUDA_SUCCESS)
      return driverError("cuDeviceGet", r);
    if (CUresult r = d->cuDevicePrimaryCtxRetain(&ctx, dev); r != CUDA_SUCCESS)
      return driverError("cuDevicePrimaryCtxRetain", r);
    rt->device = dev;
    rt->context = ctx;
    rt->ownsPrimaryContext = true;
    if (CUresult r = d->cuCtxSetCurrent(ctx); r != CUDA_SUCCESS)
      return driverError("cuCtxSetCurrent", r);
  } else if (CUresult r = d->cuCtxGetDevice(&dev); r != CUDA_SUCCESS) {
    return driverError("cuCtxGetDevice", r);
  }
  rt->context = ctx;
  rt->device = dev;
  int major = 0, minor = 0;
  d->cuDeviceGetAttribute(&major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR,
                          dev);
  d->cuDeviceGetAttribute(&minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR,
                          dev);
  if (Status s = chipForComputeCapability(major, minor, rt->chipName); !s)
    return s;
  CUmemPoolProps props = {};
  props.allocType = CU_MEM_ALLOCATION_TYPE_PINNED;
  props.location.type = CU_MEM_LOCATION_TYPE_DEVICE;
  props.location.id = dev;
  CUmemoryPool pool;
  if (CUresult r = d->cuMemPoolCreate(&pool, &props); r != CUDA_SUCCESS)
    return driverError("cuMemPoolCreate", r);
  rt->scratchPool = pool;
  cuuint64_t keep = ~cuuint64_t(0);
  if (CUresult r = d->cuMemPoolSetAttribute(
          pool, CU_MEMPOOL_ATTR_RELEASE_THRESHOLD, &keep);
      r != CUDA_SUCCESS)
    return driverError("cuMemPoolSetAttribute", r);
  runtime = std::move(rt);
  return Status::success();
}

Status chipForComputeCapability(int major, int minor, std::string &chip) {
  if (major < 8)
    return Status::error("compute capability " + std::to_string(major) + "." +
                         std::to_string(minor) + " is below the required 8.0");
  chip = (major == 9 && minor == 0) ? "sm_90a" : "sm_80";
  return Status::success();
}

Runtime::~Runtime() {
  const Driver *d = driver();
  if (!d)
    return;
  for (auto &[name, v] : variants)
    d->cuModuleUnload(v.module);
  if (scratchPool)
    d->cuMemPoolDestroy(static_cast<CUmemoryPool>(scratchPool));
  if (ownsPrimaryContext) {
    // create() made the primary context current; leave no dangling current
    // context behind once it may be destroyed.
    CUcontext current = nullptr;
    if (d->cuCtxGetCurrent(&current) == CUDA_SUCCESS && current == context)
      d->cuCtxSetCurrent(nullptr);
    d->cuDevicePrimaryCtxRelease(device);
  }
}

namespace {
Status readFile(const std::string &path, std::string &text) {
  std::ifstream file(path);
  if (!file)
    return Status::error("cannot read kernel file '" + path + "'");
  std::stringstream buffer;
  buffer << file.rdbuf();
  text = buffer.str();
  return Status::success();
}

/// Makes a runtime's context current for the duration of a call, whatever
/// the calling thread had current: modules, functions and the pool belong
/// to that context.
class ContextScope {
public:
  explicit ContextScope(const Driver *d) : d(d) {}
  Status push(void *context) {
    if (CUresult r = d->cuCtxPushCurrent(static_cast<CUcontext>(context));
        r != CUDA_SUCCESS)
      return driverError("cuCtxPushCurrent", r);
    pushed = true;
    return Status::success();
  }
  ~ContextScope() {
    CUcontext popped;
    if (pushed)
      d->cuCtxPopCurrent(&popped);
  }

private:
  const Driver *d;
  bool pushed = false;
};

/// Launches `fn` as `info` describes it. The parameter array points into
/// `args`, which cuLaunchKernel has read once it returns.
Status launch(const Driver *d, const KernelInfo &info, void *fn,
              const KernelArguments &args, const std::array<unsigned, 3> &grid,
              CUstream stream) {
  std::vector<void *> params;
  if (Status s = args.pack(info, params); !s)
    return s;
  if (CUresult r = d->cuLaunchKernel(
          static_cast<CUfunction>(fn), grid[0], grid[1], grid[2],
          unsigned(info.block[0]), unsigned(info.block[1]),
          unsigned(info.block[2]), unsigned(info.dynamicSharedBytes), stream,
          params.data(), nullptr);
      r != CUDA_SUCCESS)
    return driverError("cuLaunchKernel", r, "kernel '" + info.entry + "'");
  return Status::success();
}

/// `bytes` rounded up to the 256 bytes a pool allocation is aligned to, so
/// that buffers carved from one allocation keep that alignment.
size_t roundUp256(size_t bytes) { return (bytes + 255) / 256 * 256; }
} // namespace

Status Runtime::variant(const std::string &name, const std::string &dtype,
                        const std::string &kind, int64_t headDim, bool backward,
                        const Variant *&loaded) {
  std::lock_guard<std::mutex> lock(variantsMutex);
  if (auto it = variants.find(name); it != variants.end()) {
    loaded = &it->second;
    return Status::success();
  }
  std::string ptx, json;
  if (kernelDir.empty()) {
    size_t count = 0;
    const EmbeddedKernel *table = embeddedKernels(count);
    for (size_t i = 0; i < count; ++i)
      if (name == table[i].name) {
        ptx = table[i].ptx;
        json = table[i].json;
      }
    if (ptx.empty())
      return Status::error("no embedded kernel variant '" + name +
                           "' (this build embeds " + std::to_string(count) +
                           " variants; pass a kernel directory instead)");
  } else {
    if (Status s = readFile(kernelDir + "/" + name + ".ptx", ptx); !s)
      return s;
    if (Status s = readFile(kernelDir + "/" + name + ".json", json); !s)
      return s;
  }
  // Everything the launches take from the metadata is checked here, before
  // the module is loaded: a variant that cannot be launched as described
  // fails to load, naming the kernel, rather than failing in a call.
  Variant v;
  std::vector<const KernelInfo *> kernels; // in launch order
  if (backward) {
    auto metadata = std::make_shared<BackwardMetadata>();
    if (Status s = loadBackwardMetadata(
            name, json, backwardEntries(dtype, kind, headDim), *metadata);
        !s)
      return s;
    for (size_t k = 0; k < kBackwardKernels; ++k)
      kernels.push_back(&metadata->kernel(BackwardKernel(k)));
    v.backward = std::move(metadata);
  } else {
    auto metadata = std::make_shared<ForwardMetadata>();
    if (Status s = loadForwardMetadata(
            name, json, "msa_pwa_probs_" + dtype,
            "msa_pwa_fwd_" + kind + "_c" + std::to_string(headDim), *metadata);
        !s)
      return s;
    kernels = {&metadata->probs(), &metadata->gemm()};
    v.forward = std::move(metadata);
  }
  const Driver *d = driver();
  int optin = 0;
  d->cuDeviceGetAttribute(
      &optin, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, device);
  for (const KernelInfo *k : kernels)
    if (k->dynamicSharedBytes > optin)
      return Status::error("kernel '" + k->entry + "' needs " +
                           std::to_string(k->dynamicSharedBytes) +
                           " bytes of shared memory; the device allows " +
                           std::to_string(optin));

  char errorLog[8192] = {0}, infoLog[8192] = {0};
  CUjit_option options[] = {
      CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES,
      CU_JIT_INFO_LOG_BUFFER, CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES};
  void *values[] = {errorLog, reinterpret_cast<void *>(sizeof(errorLog)),
                    infoLog, reinterpret_cast<void *>(sizeof(infoLog))};
  CUmodule mod;
  if (CUresult r = d->cuModuleLoadDataEx(&mod, ptx.c_str(), 4, options, values);
      r != CUDA_SUCCESS) {
    Status s = driverError("cuModuleLoadDataEx", r, "module '" + name + "'");
    return Status::error(s.message() + "\nJIT log: " + errorLog);
  }
  // Resolves a kernel and prepares it for launches with its metadata's
  // block and dynamic shared memory.
  auto prepare = [&](const KernelInfo &info, CUfunction &fn) -> Status {
    if (CUresult r = d->cuModuleGetFunction(&fn, mod, info.entry.c_str());
        r != CUDA_SUCCESS)
      return driverError("cuModuleGetFunction", r,
                         "kernel '" + info.entry + "'");
    // The block must fit what the kernel was compiled for (its .maxntid and
    // register use), or every launch would fail.
    int maxThreads = 0;
    if (CUresult r = d->cuFuncGetAttribute(
            &maxThreads, CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK, fn);
        r != CUDA_SUCCESS)
      return driverError("cuFuncGetAttribute", r,
                         "kernel '" + info.entry + "'");
    int64_t threads = info.block[0] * info.block[1] * info.block[2];
    if (threads > maxThreads)
      return Status::error(
          "kernel '" + info.entry + "' is launched with blocks of " +
          std::to_string(threads) + " threads per its metadata, but it was " +
          "compiled for at most " + std::to_string(maxThreads));
    if (info.dynamicSharedBytes > 0)
      if (CUresult r = d->cuFuncSetAttribute(
              fn, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
              int(info.dynamicSharedBytes));
          r != CUDA_SUCCESS)
        return driverError("cuFuncSetAttribute", r,
                           "kernel '" + info.entry + "', " +
                               std::to_string(info.dynamicSharedBytes) +
                               " bytes of shared memory");
    return Status::success();
  };
  for (const KernelInfo *k : kernels) {
    CUfunction fn = nullptr;
    if (Status s = prepare(*k, fn); !s) {
      d->cuModuleUnload(mod);
      return s;
    }
    v.functions.push_back(fn);
  }
  v.module = mod;
  loaded = &(variants[name] = std::move(v));
  return Status::success();
}

namespace {
/// The variant name of a call: f32 variants are named for their precision,
/// "f32" (ieee) or "tf32".
std::string kindOf(DType dtype, Precision precision) {
  return precision == Precision::TF32 ? "tf32" : dtypeName(dtype);
}
} // namespace

Status Runtime::forward(const ForwardArgs &a, CUstream_st *stream) {
  ForwardLayout layout;
  if (Status s = validateForward(a, layout); !s)
    return s;
  if (a.B == 0 || a.R == 0 || a.H == 0 || (a.S == 0 && !a.lse))
    return Status::success();
  const Driver *d = driver();
  ContextScope scope(d);
  if (Status s = scope.push(context); !s)
    return s;
  std::string dt = dtypeName(a.dtype), kind = kindOf(a.dtype, a.precision);
  const Variant *kernels;
  if (Status s = variant("msa_pwa_fwd_" + kind + "_c" + std::to_string(a.C) +
                             "_" + chipName,
                         dt, kind, a.C, /*backward=*/false, kernels);
      !s)
    return s;
  const KernelInfo &probsInfo = kernels->forward->probs();
  const KernelInfo &gemmInfo = kernels->forward->gemm();

  ForwardValues x;
  x.B = a.B;
  x.S = a.S;
  x.R = a.R;
  x.H = a.H;
  x.C = a.C;
  x.Rp = paddedRows(a.R);
  x.biasStrides = layout.bias;
  x.pairMaskStrides = layout.pairMask;
  x.msaMaskStrides = layout.msaMask;
  x.vStrides = layout.v;
  x.gateStrides = layout.gate;
  x.outStrides = layout.out;
  x.hasPairMask = a.pairMask != nullptr;
  x.hasLse = a.lse != nullptr;
  x.hasMsaMask = a.msaMask != nullptr;
  x.inf = static_cast<float>(a.inf);

  // Both grids are checked before anything is allocated or launched. The
  // GEMM runs only when there are MSA rows (S == 0 still writes lse).
  bool runGemm = a.S > 0;
  SizeTable sizes = forwardSizes(x);
  std::array<unsigned, 3> probsGrid{}, gemmGrid{};
  if (Status s = launchGrid(probsInfo, sizes, probsGrid); !s)
    return s;
  if (runGemm)
    if (Status s = launchGrid(gemmInfo, sizes, gemmGrid); !s)
      return s;

  size_t probsBytes = size_t(a.B * a.H * a.R * x.Rp) * elementSize(a.dtype);
  CUdeviceptr probs;
  if (CUresult r = d->cuMemAllocFromPoolAsync(
          &probs, probsBytes, static_cast<CUmemoryPool>(scratchPool), stream);
      r != CUDA_SUCCESS)
    return driverError("cuMemAllocFromPoolAsync", r,
                       std::to_string(probsBytes) + " bytes for probs");

  // Absent optional tensors are never read (their flags are 0); any valid
  // address stands in for them.
  x.probs = probs;
  x.bias = ptr(a.bias);
  x.pairMask = a.pairMask ? ptr(a.pairMask) : x.bias;
  x.lse = a.lse ? ptr(a.lse) : probs;
  x.v = ptr(a.v);
  x.gate = ptr(a.gate);
  x.out = ptr(a.out);
  x.msaMask = a.msaMask ? ptr(a.msaMask) : x.v;

  Status status = launch(d, probsInfo, kernels->functions[0], probsArguments(x),
                         probsGrid, stream);
  if (status && runGemm)
    status = launch(d, gemmInfo, kernels->functions[1], gemmArguments(x),
                    gemmGrid, stream);
  if (CUresult r = d->cuMemFreeAsync(probs, stream);
      r != CUDA_SUCCESS && status)
    status = driverError("cuMemFreeAsync", r);
  return status;
}

Status Runtime::backward(const BackwardArgs &a, CUstream_st *stream) {
  BackwardLayout layout;
  if (Status s = validateBackward(a, layout); !s)
    return s;
  if (a.B == 0 || a.R == 0 || a.H == 0)
    return Status::success();
  const Driver *d = driver();
  ContextScope scope(d);
  if (Status s = scope.push(context); !s)
    return s;

  if (a.S == 0) {
    // No MSA rows: dW and D are empty sums, so dbias = W * (dW - D) = 0.
    // Nothing else has elements and no kernel is needed.
    size_t es = elementSize(a.dtype);
    std::vector<int64_t> shape = {a.B, a.R, a.R, a.H};
    std::vector<int64_t> strides(layout.dbias.begin(), layout.dbias.end());
    for (const MemsetRect &r : memsetRects(shape, strides, es)) {
      CUdeviceptr at = ptr(a.dbias) + r.offset;
      CUresult result =
          r.height == 1
              ? d->cuMemsetD8Async(at, 0, r.width, stream)
              : d->cuMemsetD2D8Async(at, r.pitch, 0, r.width, r.height, stream);
      if (result != CUDA_SUCCESS)
        return driverError(r.height == 1 ? "cuMemsetD8Async"
                                         : "cuMemsetD2D8Async",
                           result, "dbias");
    }
    return Status::success();
  }

  std::string dt = dtypeName(a.dtype), kind = kindOf(a.dtype, a.precision);
  const Variant *kernels;
  if (Status s = variant("msa_pwa_bwd_" + kind + "_c" + std::to_string(a.C) +
                             "_" + chipName,
                         dt, kind, a.C, /*backward=*/true, kernels);
      !s)
    return s;
  const BackwardMetadata &metadata = *kernels->backward;

  BackwardValues x;
  x.B = a.B;
  x.S = a.S;
  x.R = a.R;
  x.H = a.H;
  x.C = a.C;
  x.Rp = paddedRows(a.R);
  x.biasStrides = layout.bias;
  x.dbiasStrides = layout.dbias;
  x.pairMaskStrides = layout.pairMask;
  x.msaMaskStrides = layout.msaMask;
  x.doutStrides = layout.dout;
  x.vStrides = layout.v;
  x.gateStrides = layout.gate;
  x.outStrides = layout.out;
  x.dvStrides = layout.dv;
  x.dgateStrides = layout.dgate;
  x.hasPairMask = a.pairMask != nullptr;
  x.hasMsaMask = a.msaMask != nullptr;
  x.inf = static_cast<float>(a.inf);

  // Every grid and the scratch the metadata asks for are checked before
  // anything is allocated or launched.
  SizeTable sizes = backwardSizes(x);
  std::array<std::array<unsigned, 3>, kBackwardKernels> grids{};
  for (size_t k = 0; k < kBackwardKernels; ++k)
    if (Status s =
            launchGrid(metadata.kernel(BackwardKernel(k)), sizes, grids[k]);
        !s)
      return s;
  size_t es = elementSize(a.dtype);
  if (Status s =
          checkScratch(metadata, sizes,
                       {{"probs", int64_t(layout.probsBytes / es)},
                        {"dop", int64_t(layout.dopBytes / es)},
                        {"delta", int64_t(layout.deltaBytes / sizeof(float))}});
      !s)
    return s;

  // One allocation holds the three buffers, each at a 256-byte boundary
  // (dO' is read by 16-byte copies).
  size_t dopOffset = roundUp256(layout.probsBytes);
  size_t deltaOffset = dopOffset + roundUp256(layout.dopBytes);
  size_t scratchBytes = deltaOffset + layout.deltaBytes;
  if (dopOffset < layout.probsBytes || deltaOffset < dopOffset ||
      scratchBytes < deltaOffset)
    return Status::error("the backward's scratch buffers overflow 64 bits");
  CUdeviceptr scratch;
  if (CUresult r = d->cuMemAllocFromPoolAsync(
          &scratch, scratchBytes, static_cast<CUmemoryPool>(scratchPool),
          stream);
      r != CUDA_SUCCESS)
    return driverError("cuMemAllocFromPoolAsync", r,
                       std::to_string(scratchBytes) +
                           " bytes for the probabilities, dO' and D");

  // Absent optional tensors are never read (their flags are 0); any valid
  // address stands in for them. The probabilities kernel is told not to
  // write lse (has_lse = 0).
  x.probs = scratch;
  x.dop = scratch + dopOffset;
  x.delta = scratch + deltaOffset;
  x.bias = ptr(a.bias);
  x.pairMask = a.pairMask ? ptr(a.pairMask) : x.bias;
  x.lse = scratch;
  x.dout = ptr(a.dout);
  x.v = ptr(a.v);
  x.gate = ptr(a.gate);
  x.out = ptr(a.out);
  x.msaMask = a.msaMask ? ptr(a.msaMask) : x.v;
  x.dv = ptr(a.dv);
  x.dbias = ptr(a.dbias);
  x.dgate = ptr(a.dgate);

  const KernelArguments arguments[kBackwardKernels] = {
      backwardProbsArguments(x), prepArguments(x), dvArguments(x),
      dbiasArguments(x)};
  Status status = Status::success();
  for (size_t k = 0; k < kBackwardKernels && status; ++k)
    status = launch(d, metadata.kernel(BackwardKernel(k)),
                    kernels->functions[k], arguments[k], grids[k], stream);
  if (CUresult r = d->cuMemFreeAsync(scratch, stream);
      r != CUDA_SUCCESS && status)
    status = driverError("cuMemFreeAsync", r);
  return status;
}

DeviceBuffer::DeviceBuffer(DeviceBuffer &&other) noexcept
    : address(other.address), bytes(other.bytes) {
  other.address = 0;
  other.bytes = 0;
}

DeviceBuffer &DeviceBuffer::operator=(DeviceBuffer &&other) noexcept {
  std::swap(address, other.address);
  std::swap(bytes, other.bytes);
  return *this;
}

DeviceBuffer::~DeviceBuffer() {
  if (address)
    if (const Driver *d = driver())
      d->cuMemFree(address);
}

Status DeviceBuffer::allocate(size_t bytes, DeviceBuffer &buffer) {
  std::string why;
  const Driver *d = driver(&why);
  if (!d)
    return Status::error(why);
  if (bytes == 0)
    return Status::error("cannot allocate 0 bytes");
  DeviceBuffer result;
  if (CUresult r = d->cuMemAlloc(&result.address, bytes); r != CUDA_SUCCESS)
    return driverError("cuMemAlloc", r, std::to_string(bytes) + " bytes");
  result.bytes = bytes;
  buffer = std::move(result);
  return Status::success();
}

Status DeviceBuffer::upload(const void *host, size_t n) {
  if (n > bytes)
    return Status::error("upload of " + std::to_string(n) +
                         " bytes into a buffer of " + std::to_string(bytes));
  if (CUresult r = driver()->cuMemcpyHtoD(address, host, n); r != CUDA_SUCCESS)
    return driverError("cuMemcpyHtoD", r);
  return Status::success();
}

Status DeviceBuffer::download(void *host, size_t n) const {
  if (n > bytes)
    return Status::error("download of " + std::to_string(n) +
                         " bytes from a buffer of " + std::to_string(bytes));
  if (CUresult r = driver()->cuMemcpyDtoH(host, address, n); r != CUDA_SUCCESS)
    return driverError("cuMemcpyDtoH", r);
  return Status::success();
}

Status synchronize(CUstream_st *stream) {
  std::string why;
  const Driver *d = driver(&why);
  if (!d)
    return Status::error(why);
  if (CUresult r = d->cuStreamSynchronize(stream); r != CUDA_SUCCESS)
    return driverError("cuStreamSynchronize", r);
  return Status::success();
}

} // namespace msa::runtime
