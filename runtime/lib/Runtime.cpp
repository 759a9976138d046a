//===- Runtime.cpp - Load and launch the msa GPU kernels ------------------===//
//
// Argument validation, module loading (PTX from msa-codegen, JIT-compiled by
// the driver with its logs captured), and the two-kernel forward launch.
//
//===----------------------------------------------------------------------===//

#include "msa/Runtime/Runtime.h"

#include "Driver.h"
#include "EmbeddedKernels.h"

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <cstring>
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

// The launch ABI of msa-codegen's forward kernels (checked against each
// variant's metadata when it is loaded): block sizes and parameter counts.
constexpr int64_t kProbsBlock = 128, kProbsParams = 18;
constexpr int64_t kGemmBlock = 256, kGemmParams = 26;

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
  // Launch limits: the probs grid is (R, B); the GEMM grid is (B*H,
  // ceil(R/128), ceil(S*C/128)) (y and z at most 65535).
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
  if (major < 8)
    return Status::error("compute capability " + std::to_string(major) + "." +
                         std::to_string(minor) + " is below the required 8.0");
  rt->chipName = (major == 9 && minor == 0) ? "sm_90a" : "sm_80";
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
/// The integer after `"key": ` in the JSON object that names `entry`
/// (msa-codegen writes each kernel's keys in sorted order, so `key`s that
/// sort before "entry" precede it within the object).
bool kernelMetadataInt(const std::string &json, const std::string &entry,
                       const std::string &key, int64_t &value) {
  size_t at = json.find("\"entry\": \"" + entry + "\"");
  if (at == std::string::npos)
    return false;
  size_t open = json.rfind('{', at);
  size_t k = json.find("\"" + key + "\": ", open);
  if (open == std::string::npos || k == std::string::npos || k > at)
    return false;
  value = std::strtoll(json.c_str() + k + key.size() + 4, nullptr, 10);
  return true;
}

/// The x block size and the number of parameters of kernel `entry`, as its
/// metadata object lists them ("block": [x, y, z], "params": [{...}, ...]).
bool kernelLaunchFacts(const std::string &json, const std::string &entry,
                       int64_t &blockX, int64_t &numParams) {
  size_t at = json.find("\"entry\": \"" + entry + "\"");
  if (at == std::string::npos)
    return false;
  size_t open = json.rfind('{', at);
  size_t block = json.find("\"block\": [", open);
  size_t params = json.find("\"params\": [", at);
  if (open == std::string::npos || block == std::string::npos || block > at ||
      params == std::string::npos)
    return false;
  blockX = std::strtoll(json.c_str() + block + 10, nullptr, 10);
  size_t end = json.find(']', params + 11);
  numParams = 0;
  for (size_t t = json.find("\"type\":", params); t < end;
       t = json.find("\"type\":", t + 1))
    ++numParams;
  return end != std::string::npos;
}

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
  int64_t shared = 0;
  if (!kernelMetadataInt(json, gemmName, "dynamic_shared_bytes", shared) ||
      shared < 0)
    return Status::error("the metadata of kernel variant '" + name +
                         "' lacks dynamic_shared_bytes for '" + gemmName + "'");
  // The GEMM's grid follows its CTA tile ("tiles": {"bk", "bm", "bn"}).
  int64_t tileM = 0, tileN = 0;
  auto topLevel = [&](const char *key, int64_t &value) {
    size_t at = json.find(std::string("\"") + key + "\": ");
    if (at == std::string::npos)
      return false;
    value = std::strtoll(json.c_str() + at + std::strlen(key) + 4, nullptr, 10);
    return value > 0;
  };
  if (!topLevel("bm", tileM) || !topLevel("bn", tileN))
    return Status::error("the metadata of kernel variant '" + name +
                         "' lacks the GEMM tile sizes");
  // The launch code below is written for these kernels' ABI: check the
  // metadata agrees before anything is launched.
  for (auto [entry, block, params] :
       {std::tuple<std::string, int64_t, int64_t>{"msa_pwa_probs_" + dtype,
                                                  kProbsBlock, kProbsParams},
        {gemmName, kGemmBlock, kGemmParams}}) {
    int64_t blockX = 0, numParams = 0;
    if (!kernelLaunchFacts(json, entry, blockX, numParams))
      return Status::error("the metadata of kernel variant '" + name +
                           "' does not describe kernel '" + entry + "'");
    if (blockX != block || numParams != params)
      return Status::error(
          "kernel '" + entry + "' takes " + std::to_string(numParams) +
          " parameters and blocks of " + std::to_string(blockX) +
          " threads per its metadata; this runtime launches it with " +
          std::to_string(params) + " and " + std::to_string(block));
  }
  const Driver *d = driver();
  int optin = 0;
  d->cuDeviceGetAttribute(
      &optin, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, device);
  if (shared > optin)
    return Status::error(
        "kernel '" + gemmName + "' needs " + std::to_string(shared) +
        " bytes of shared memory; the device allows " + std::to_string(optin));

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
  Variant v;
  v.module = mod;
  v.gemmSharedBytes = unsigned(shared);
  v.tileM = tileM;
  v.tileN = tileN;
  CUfunction probs, gemm;
  Status status = Status::success();
  if (CUresult r = d->cuModuleGetFunction(&probs, mod, probsName.c_str());
      r != CUDA_SUCCESS)
    status =
        driverError("cuModuleGetFunction", r, "kernel '" + probsName + "'");
  else if (CUresult r = d->cuModuleGetFunction(&gemm, mod, gemmName.c_str());
           r != CUDA_SUCCESS)
    status = driverError("cuModuleGetFunction", r, "kernel '" + gemmName + "'");
  else if (CUresult r = d->cuFuncSetAttribute(
               gemm, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
               int(shared));
           r != CUDA_SUCCESS)
    status =
        driverError("cuFuncSetAttribute", r,
                    "kernel '" + gemmName + "', " + std::to_string(shared) +
                        " bytes of shared memory");
  if (!status) {
    d->cuModuleUnload(mod);
    return status;
  }
  v.probs = probs;
  v.gemm = gemm;
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
  auto probsFn = static_cast<CUfunction>(kernels->probs);
  auto gemmFn = static_cast<CUfunction>(kernels->gemm);
  std::string probsName = "msa_pwa_probs_" + dt;
  std::string gemmName = "msa_pwa_fwd_" + kind + "_c" + std::to_string(a.C);

  int64_t rp = (a.R + 7) / 8 * 8;
  size_t probsBytes = size_t(a.B * a.H * a.R * rp) * elementSize(a.dtype);
  CUdeviceptr probs;
  if (CUresult r = d->cuMemAllocFromPoolAsync(
          &probs, probsBytes, static_cast<CUmemoryPool>(scratchPool), stream);
      r != CUDA_SUCCESS)
    return driverError("cuMemAllocFromPoolAsync", r,
                       std::to_string(probsBytes) + " bytes for probs");

  // Absent optional tensors are never read (their flags are 0); any valid
  // address stands in for them.
  CUdeviceptr bias = ptr(a.bias);
  CUdeviceptr pairMask = a.pairMask ? ptr(a.pairMask) : bias;
  CUdeviceptr lse = a.lse ? ptr(a.lse) : probs;
  int64_t B = a.B, S = a.S, R = a.R, H = a.H,
          hasPairMask = a.pairMask != nullptr, hasLse = a.lse != nullptr;
  float inf = static_cast<float>(a.inf);
  std::array<void *, kProbsParams> probsParams = {&bias,
                                                  &pairMask,
                                                  &probs,
                                                  &lse,
                                                  &B,
                                                  &R,
                                                  &H,
                                                  &rp,
                                                  &layout.bias[0],
                                                  &layout.bias[1],
                                                  &layout.bias[2],
                                                  &layout.bias[3],
                                                  &layout.pairMask[0],
                                                  &layout.pairMask[1],
                                                  &layout.pairMask[2],
                                                  &hasPairMask,
                                                  &hasLse,
                                                  &inf};
  Status status = Status::success();
  if (CUresult r = d->cuLaunchKernel(probsFn, unsigned(R), unsigned(B), 1,
                                     unsigned(kProbsBlock), 1, 1, 0, stream,
                                     probsParams.data(), nullptr);
      r != CUDA_SUCCESS)
    status = driverError("cuLaunchKernel", r, "kernel '" + probsName + "'");

  if (status && S > 0) {
    CUdeviceptr v = ptr(a.v), gate = ptr(a.gate), out = ptr(a.out);
    CUdeviceptr msaMask = a.msaMask ? ptr(a.msaMask) : v;
    int64_t hasMsaMask = a.msaMask != nullptr;
    std::array<void *, kGemmParams> gemmParams = {&probs,
                                                  &v,
                                                  &gate,
                                                  &msaMask,
                                                  &out,
                                                  &B,
                                                  &S,
                                                  &R,
                                                  &H,
                                                  &rp,
                                                  &layout.v[0],
                                                  &layout.v[1],
                                                  &layout.v[2],
                                                  &layout.v[3],
                                                  &layout.gate[0],
                                                  &layout.gate[1],
                                                  &layout.gate[2],
                                                  &layout.gate[3],
                                                  &layout.out[0],
                                                  &layout.out[1],
                                                  &layout.out[2],
                                                  &layout.out[3],
                                                  &layout.msaMask[0],
                                                  &layout.msaMask[1],
                                                  &layout.msaMask[2],
                                                  &hasMsaMask};
    // msa-codegen's launch rule for the GEMM: block 256, grid
    // (B*H, ceil(R/bm), ceil(S*C/bn)).
    int64_t gridZ = (S * a.C + kernels->tileN - 1) / kernels->tileN;
    if (gridZ > 65535)
      status = Status::error("S*C = " + std::to_string(S * a.C) + " needs " +
                             std::to_string(gridZ) +
                             " column tiles; at most 65535 are supported");
    unsigned gx = unsigned(B * H),
             gy = unsigned((R + kernels->tileM - 1) / kernels->tileM),
             gz = unsigned(gridZ);
    if (status)
      if (CUresult r = d->cuLaunchKernel(
              gemmFn, gx, gy, gz, unsigned(kGemmBlock), 1, 1,
              kernels->gemmSharedBytes, stream, gemmParams.data(), nullptr);
          r != CUDA_SUCCESS)
        status = driverError("cuLaunchKernel", r, "kernel '" + gemmName + "'");
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
