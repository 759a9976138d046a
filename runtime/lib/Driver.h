//===- Driver.h - The CUDA driver API, opened at run time -------*- C++ -*-===//
//
// The driver entry points the runtime uses, looked up with dlopen/dlsym so
// that nothing links libcuda.so: on a machine without a driver, driver()
// returns null and every runtime call reports "no CUDA driver".
//
//===----------------------------------------------------------------------===//

#ifndef MSA_RUNTIME_LIB_DRIVER_H
#define MSA_RUNTIME_LIB_DRIVER_H

#include "msa/Runtime/Runtime.h"

#include <cuda.h>

#include <string>

namespace msa::runtime {

/// Function pointers into libcuda.so.1.
struct Driver {
#define MSA_DRIVER_FUNCTIONS(X)                                                \
  X(cuInit, "cuInit")                                                          \
  X(cuGetErrorName, "cuGetErrorName")                                          \
  X(cuGetErrorString, "cuGetErrorString")                                      \
  X(cuDeviceGet, "cuDeviceGet")                                                \
  X(cuDeviceGetCount, "cuDeviceGetCount")                                      \
  X(cuDeviceGetAttribute, "cuDeviceGetAttribute")                              \
  X(cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain")                      \
  X(cuDevicePrimaryCtxRelease, "cuDevicePrimaryCtxRelease_v2")                 \
  X(cuCtxGetCurrent, "cuCtxGetCurrent")                                        \
  X(cuCtxSetCurrent, "cuCtxSetCurrent")                                        \
  X(cuCtxPushCurrent, "cuCtxPushCurrent_v2")                                   \
  X(cuCtxPopCurrent, "cuCtxPopCurrent_v2")                                     \
  X(cuCtxGetDevice, "cuCtxGetDevice")                                          \
  X(cuModuleLoadDataEx, "cuModuleLoadDataEx")                                  \
  X(cuModuleUnload, "cuModuleUnload")                                          \
  X(cuModuleGetFunction, "cuModuleGetFunction")                                \
  X(cuLaunchKernel, "cuLaunchKernel")                                          \
  X(cuFuncSetAttribute, "cuFuncSetAttribute")                                  \
  X(cuFuncGetAttribute, "cuFuncGetAttribute")                                  \
  X(cuMemFreeAsync, "cuMemFreeAsync")                                          \
  X(cuMemAlloc, "cuMemAlloc_v2")                                               \
  X(cuMemFree, "cuMemFree_v2")                                                 \
  X(cuMemcpyHtoD, "cuMemcpyHtoD_v2")                                           \
  X(cuMemcpyDtoH, "cuMemcpyDtoH_v2")                                           \
  X(cuStreamSynchronize, "cuStreamSynchronize")                                \
  X(cuMemPoolCreate, "cuMemPoolCreate")                                        \
  X(cuMemPoolDestroy, "cuMemPoolDestroy")                                      \
  X(cuMemPoolSetAttribute, "cuMemPoolSetAttribute")                            \
  X(cuMemAllocFromPoolAsync, "cuMemAllocFromPoolAsync")                        \
  X(cuMemsetD8Async, "cuMemsetD8Async")                                        \
  X(cuMemsetD2D8Async, "cuMemsetD2D8Async")
#define MSA_DECLARE(name, symbol) decltype(&::name) name = nullptr;
  MSA_DRIVER_FUNCTIONS(MSA_DECLARE)
#undef MSA_DECLARE
};

/// The driver, or null when libcuda.so.1 (or one of its entry points) is
/// missing; `why` then says what is missing.
const Driver *driver(std::string *why = nullptr);

/// Formats a failed driver call: "<call> failed: <NAME> (<code>): <text>".
Status driverError(const char *call, CUresult result,
                   const std::string &context = "");

} // namespace msa::runtime

#endif // MSA_RUNTIME_LIB_DRIVER_H
