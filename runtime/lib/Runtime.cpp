//===- Runtime.cpp - Load and launch the msa GPU kernels ------------------===//
//
// Argument validation, module loading (PTX from msa-codegen, JIT-compiled by
// the driver with its logs captured), and the two-kernel forward launch.
//
//===----------------------------------------------------------------------===//

#include "msa/Runtime/Runtime.h"

#include "Driver.h"
#include "EmbeddedKernels.h"
#include "ForwardLaunch.h"

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

/// Row-major strides of `shape` when `strides` is all zeros.
template <size_t N>
std::array<int64_t, N> stridesOrDense(const std::array<int64_t, N> &strides,
                                      const std::array<int64_t, N> &shape) {
  bool dense = true;
  for (int64_t s : strides)
    dense &= s == 0;
  if (!dense)
    return strides;
  // On overflow the strides saturate; extent() then reports the overflow.
  std::array<int64_t, N> result{};
  int64_t stride = 1;
  for (size_t i = N; i-- > 0;) {
    result[i] = stride;
    if (__builtin_mul_overflow(stride, shape[i] > 0 ? shape[i] : 1, &stride))
      stride = INT64_MAX;
  }
  return result;
}

/// The last element's offset + 1, or -1 on overflow (sizes are >= 0).
template <size_t N>
int64_t extent(const std::array<int64_t, N> &shape,
               const std::array<int64_t, N> &strides) {
  int64_t last = 0;
  for (size_t i = 0; i < N; ++i) {
    if (shape[i] == 0)
      return 0;
    int64_t term;
    if (__builtin_mul_overflow(shape[i] - 1, strides[i], &term) ||
        __builtin_add_overflow(last, term, &last))
      return -1;
  }
  return last + 1;
}

struct TensorCheck {
  const char *name;
  const void *data;
  bool required;
  size_t alignment;
  int64_t extent; // elements
  size_t elementBytes;
};

/// The checked layout of one forward call.
struct Layout {
  std::array<int64_t, 5> v, gate, out;
  std::array<int64_t, 4> bias;
  std::array<int64_t, 3> pairMask, msaMask;
};

Status validateInto(const ForwardArgs &a, Layout &layout) {
  for (auto [name, value] : {std::pair<const char *, int64_t>{"B", a.B},
                             {"S", a.S},
                             {"R", a.R},
                             {"H", a.H},
                             {"C", a.C}})
    if (value < 0)
      return Status::error(std::string(name) + " must be >= 0, got " +
                           std::to_string(value));
  if (a.C != 8 && a.C != 16 && a.C != 32 && a.C != 64)
    return Status::error("unsupported head dimension C = " +
                         std::to_string(a.C) + " (supported: 8, 16, 32, 64)");
  if (a.precision == Precision::TF32 && a.dtype != DType::F32)
    return Status::error(std::string("precision tf32 applies only to f32 "
                                     "data, got ") +
                         dtypeName(a.dtype));
  if (!(a.inf > 0) || a.inf > 3.0e38)
    return Status::error("inf must be positive and finite in f32, got " +
                         std::to_string(a.inf));
  // Sizes the shipped kernels cannot cover, whose probs grid is (R, B) and
  // GEMM grid (B*H, ceil(R/128), ceil(S*C/128)) with y and z at most 65535.
  // validate() needs no metadata; forward() checks again the grid that the
  // loaded variant's metadata gives.
  int64_t bh;
  if (__builtin_mul_overflow(a.B, a.H, &bh) || a.B > 65535 || bh > 65535)
    return Status::error("B*H = " + std::to_string(a.B) + "*" +
                         std::to_string(a.H) +
                         " exceeds the supported 65535 (B <= 65535 too)");
  if (a.R > int64_t(65535) * 128)
    return Status::error("R = " + std::to_string(a.R) +
                         " exceeds the supported 65535*128");
  if (a.S > (int64_t(65535) * 64) / a.C)
    return Status::error("S*C = " + std::to_string(a.S) + "*" +
                         std::to_string(a.C) +
                         " exceeds the supported 65535*64");

  layout.v = stridesOrDense(a.vStrides, {a.B, a.S, a.R, a.H, a.C});
  layout.gate = stridesOrDense(a.gateStrides, {a.B, a.S, a.R, a.H, a.C});
  layout.out = stridesOrDense(a.outStrides, {a.B, a.S, a.R, a.H, a.C});
  layout.bias = stridesOrDense(a.biasStrides, {a.B, a.R, a.R, a.H});
  layout.pairMask = stridesOrDense(a.pairMaskStrides, {a.B, a.R, a.R});
  layout.msaMask = stridesOrDense(a.msaMaskStrides, {a.B, a.S, a.R});
  for (auto [name, stride] :
       {std::pair<const char *, int64_t>{"v", layout.v[4]},
        {"gate", layout.gate[4]},
        {"out", layout.out[4]}})
    if (stride != 1)
      return Status::error(std::string(name) +
                           ": the channel dimension C must be contiguous "
                           "(stride 1), got stride " +
                           std::to_string(stride));
  int64_t chunk = 16 / int64_t(elementSize(a.dtype));
  for (int i = 0; i < 4; ++i)
    if (layout.v[i] % chunk != 0 || layout.v[i] < 0)
      return Status::error(
          "v: strides of B, S, R, H must be non-negative multiples of " +
          std::to_string(chunk) + " elements (16-byte copies), got stride " +
          std::to_string(layout.v[i]) + " for dimension " + std::to_string(i));
  for (const auto *strides : {layout.gate.data(), layout.out.data()})
    for (int i = 0; i < 5; ++i)
      if (strides[i] < 0)
        return Status::error("strides must be non-negative");
  for (int64_t s : layout.bias)
    if (s < 0)
      return Status::error("strides must be non-negative");
  for (int64_t s : layout.pairMask)
    if (s < 0)
      return Status::error("strides must be non-negative");
  for (int64_t s : layout.msaMask)
    if (s < 0)
      return Status::error("strides must be non-negative");

  // out must not overlap itself: ordered by stride, each dimension's stride
  // must step over everything the smaller-strided dimensions span.
  {
    std::array<int64_t, 5> shape = {a.B, a.S, a.R, a.H, a.C};
    std::array<int, 5> order = {0, 1, 2, 3, 4};
    std::sort(order.begin(), order.end(),
              [&](int x, int y) { return layout.out[x] < layout.out[y]; });
    int64_t span = 1; // elements covered by the dimensions so far
    for (int d : order) {
      if (shape[d] <= 1)
        continue;
      if (layout.out[d] < span)
        return Status::error("out: strides make elements overlap (dimension " +
                             std::to_string(d) + " has stride " +
                             std::to_string(layout.out[d]) +
                             " inside a span of " + std::to_string(span) + ")");
      int64_t next;
      if (__builtin_mul_overflow(layout.out[d], shape[d], &next))
        break; // extent() reports the overflow
      span = next;
    }
  }

  int64_t rp = (a.R + 7) / 8 * 8, probs;
  if (__builtin_mul_overflow(bh, a.R, &probs) ||
      __builtin_mul_overflow(probs, rp, &probs) ||
      __builtin_mul_overflow(probs, int64_t(elementSize(a.dtype)), &probs))
    return Status::error("the probabilities buffer B*H*R*roundup(R, 8) "
                         "overflows 64 bits");
  size_t es = elementSize(a.dtype);
  std::vector<TensorCheck> tensors = {
      {"v", a.v, a.S > 0, 16, extent<5>({a.B, a.S, a.R, a.H, a.C}, layout.v),
       es},
      {"gate", a.gate, a.S > 0, es,
       extent<5>({a.B, a.S, a.R, a.H, a.C}, layout.gate), es},
      {"out", a.out, a.S > 0, es,
       extent<5>({a.B, a.S, a.R, a.H, a.C}, layout.out), es},
      {"bias", a.bias, true, es, extent<4>({a.B, a.R, a.R, a.H}, layout.bias),
       es},
      {"pair_mask", a.pairMask, false, es,
       extent<3>({a.B, a.R, a.R}, layout.pairMask), es},
      {"msa_mask", a.msaMask, false, es,
       extent<3>({a.B, a.S, a.R}, layout.msaMask), es},
      {"lse", a.lse, false, 4, a.B * a.H * a.R, 4}};
  bool empty = a.B == 0 || a.R == 0 || a.H == 0;
  for (const TensorCheck &t : tensors) {
    if (t.extent < 0)
      return Status::error(std::string(t.name) +
                           ": the largest element offset overflows 64 bits");
    if (empty || t.extent == 0)
      continue;
    if (!t.data) {
      if (t.required)
        return Status::error(std::string(t.name) + " is a null pointer");
      continue;
    }
    if (reinterpret_cast<uintptr_t>(t.data) % t.alignment != 0)
      return Status::error(std::string(t.name) + " pointer " +
                           std::to_string(reinterpret_cast<uintptr_t>(t.data)) +
                           " is not " + std::to_string(t.alignment) +
                           "-byte aligned");
  }
  // Outputs must not overlap any operand (the kernels read inputs while
  // they write outputs).
  auto range = [&](const TensorCheck &t) {
    auto begin = reinterpret_cast<uintptr_t>(t.data);
    return std::pair<uintptr_t, uintptr_t>{begin,
                                           begin + t.extent * t.elementBytes};
  };
  for (const TensorCheck &o : tensors) {
    if (std::string(o.name) != "out" && std::string(o.name) != "lse")
      continue;
    if (empty || !o.data || o.extent == 0)
      continue;
    for (const TensorCheck &t : tensors) {
      if (&t == &o || !t.data || t.extent == 0)
        continue;
      auto [ob, oe] = range(o);
      auto [tb, te] = range(t);
      if (ob < te && tb < oe)
        return Status::error(std::string(o.name) + " overlaps " + t.name +
                             "; outputs must not alias other tensors");
    }
  }
  return Status::success();
}

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

Status validate(const ForwardArgs &args) {
  Layout layout;
  return validateInto(args, layout);
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
} // namespace

Status Runtime::variant(const std::string &name, const std::string &dtype,
                        const std::string &kind, int64_t headDim,
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
  std::string probsName = "msa_pwa_probs_" + dtype;
  std::string gemmName = "msa_pwa_fwd_" + kind + "_c" + std::to_string(headDim);
  // Everything the launches take from the metadata is checked here, before
  // the module is loaded: a variant that cannot be launched as described
  // fails to load, naming the kernel, rather than failing in forward().
  auto metadata = std::make_shared<ForwardMetadata>();
  if (Status s =
          loadForwardMetadata(name, json, probsName, gemmName, *metadata);
      !s)
    return s;
  const KernelInfo &probsInfo = metadata->probs(), &gemmInfo = metadata->gemm();
  const Driver *d = driver();
  int optin = 0;
  d->cuDeviceGetAttribute(
      &optin, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, device);
  for (const KernelInfo *k : {&probsInfo, &gemmInfo})
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
  CUfunction probs = nullptr, gemm = nullptr;
  Status status = prepare(probsInfo, probs);
  if (status)
    status = prepare(gemmInfo, gemm);
  if (!status) {
    d->cuModuleUnload(mod);
    return status;
  }
  Variant v;
  v.module = mod;
  v.probs = probs;
  v.gemm = gemm;
  v.metadata = std::move(metadata);
  loaded = &(variants[name] = v);
  return Status::success();
}

Status Runtime::forward(const ForwardArgs &a, CUstream_st *stream) {
  Layout layout;
  if (Status s = validateInto(a, layout); !s)
    return s;
  if (a.B == 0 || a.R == 0 || a.H == 0 || (a.S == 0 && !a.lse))
    return Status::success();
  const Driver *d = driver();
  // Modules, functions and the pool belong to this runtime's context: make
  // it current for this call, whatever the calling thread had current.
  if (CUresult r = d->cuCtxPushCurrent(static_cast<CUcontext>(context));
      r != CUDA_SUCCESS)
    return driverError("cuCtxPushCurrent", r);
  struct PopContext {
    const Driver *d;
    ~PopContext() {
      CUcontext popped;
      d->cuCtxPopCurrent(&popped);
    }
  } popContext{d};
  std::string dt = dtypeName(a.dtype);
  // f32 variants are named for their precision: "f32" (ieee) or "tf32".
  std::string kind = a.precision == Precision::TF32 ? "tf32" : dt;
  const Variant *kernels;
  if (Status s = variant("msa_pwa_fwd_" + kind + "_c" + std::to_string(a.C) +
                             "_" + chipName,
                         dt, kind, a.C, kernels);
      !s)
    return s;
  const KernelInfo &probsInfo = kernels->metadata->probs();
  const KernelInfo &gemmInfo = kernels->metadata->gemm();

  ForwardValues x;
  x.B = a.B;
  x.S = a.S;
  x.R = a.R;
  x.H = a.H;
  x.C = a.C;
  x.Rp = (a.R + 7) / 8 * 8;
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

  // The parameter arrays point into the argument tables, which live until
  // the launches have read them.
  auto launch = [&](const KernelInfo &info, CUfunction fn,
                    const KernelArguments &args,
                    const std::array<unsigned, 3> &grid) -> Status {
    std::vector<void *> params;
    if (Status s = args.pack(info, params); !s)
      return s;
    if (CUresult r = d->cuLaunchKernel(
            fn, grid[0], grid[1], grid[2], unsigned(info.block[0]),
            unsigned(info.block[1]), unsigned(info.block[2]),
            unsigned(info.dynamicSharedBytes), stream, params.data(), nullptr);
        r != CUDA_SUCCESS)
      return driverError("cuLaunchKernel", r, "kernel '" + info.entry + "'");
    return Status::success();
  };
  KernelArguments probsArgs = probsArguments(x);
  Status status = launch(probsInfo, static_cast<CUfunction>(kernels->probs),
                         probsArgs, probsGrid);
  if (status && runGemm) {
    KernelArguments gemmArgs = gemmArguments(x);
    status = launch(gemmInfo, static_cast<CUfunction>(kernels->gemm), gemmArgs,
                    gemmGrid);
  }
  if (CUresult r = d->cuMemFreeAsync(probs, stream);
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
