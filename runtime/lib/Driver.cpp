//===- Driver.cpp - The CUDA driver API, opened at run time ---------------===//
//
// Opens libcuda.so.1 once per process and resolves the entry points.
//
//===----------------------------------------------------------------------===//

#include "Driver.h"

#include <dlfcn.h>

namespace msa::runtime {

const Driver *driver(std::string *why) {
  static std::string error;
  static const Driver *instance = []() -> const Driver * {
    void *handle = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      const char *text = dlerror();
      error = std::string("no CUDA driver: cannot open libcuda.so.1 (") +
              (text ? text : "unknown error") + ")";
      return nullptr;
    }
    static Driver d;
#define MSA_RESOLVE(name, symbol)                                              \
  d.name = reinterpret_cast<decltype(d.name)>(dlsym(handle, symbol));          \
  if (!d.name) {                                                               \
    error = "no usable CUDA driver: libcuda.so.1 lacks " symbol;               \
    return nullptr;                                                            \
  }
    MSA_DRIVER_FUNCTIONS(MSA_RESOLVE)
#undef MSA_RESOLVE
    return &d;
  }();
  if (!instance && why)
    *why = error;
  return instance;
}

Status driverError(const char *call, CUresult result,
                   const std::string &context) {
  const char *name = "CUDA_ERROR_UNKNOWN", *text = "unknown error";
  if (const Driver *d = driver()) {
    d->cuGetErrorName(result, &name);
    d->cuGetErrorString(result, &text);
  }
  std::string message = std::string(call) + " failed: " + name + " (" +
                        std::to_string(static_cast<int>(result)) + "): " + text;
  if (!context.empty())
    message += " [" + context + "]";
  return Status::error(message);
}

} // namespace msa::runtime
