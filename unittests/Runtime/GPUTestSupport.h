//===- GPUTestSupport.h - Shared setup of the runtime GPU tests -*- C++ -*-===//
//
// One runtime for the whole test program (kernels from $MSA_KERNEL_DIR, or
// from the directory the build generated them into), a fixture that skips
// where there is no CUDA driver or device, and device copies of host
// tensors.
//
//===----------------------------------------------------------------------===//

#ifndef MSA_UNITTESTS_RUNTIME_GPUTESTSUPPORT_H
#define MSA_UNITTESTS_RUNTIME_GPUTESTSUPPORT_H

#include "msa/Reference/Problem.h"
#include "msa/Runtime/Runtime.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace msa::runtime::test {

/// The kernel directory the GPU tests load from.
std::string kernelDir();

/// The runtime every GPU test shares, or null (with the reason) where none
/// could be created.
Runtime *sharedRuntime();
const std::string &noRuntimeReason();

class GPUTest : public testing::Test {
protected:
  void SetUp() override {
    runtime = sharedRuntime();
    if (!runtime)
      GTEST_SKIP() << "no GPU: " << noRuntimeReason();
  }
  Runtime *runtime = nullptr;
};

/// The runtime's element type for a reference one.
DType toDType(reference::ElementType type);

/// A device copy of `bytes` host bytes (nothing when `bytes` is 0).
Status toDevice(const void *host, size_t bytes, DeviceBuffer &device);
inline Status toDevice(const reference::Tensor &t, DeviceBuffer &device) {
  return toDevice(t.data(), t.sizeInBytes(), device);
}

} // namespace msa::runtime::test

#endif // MSA_UNITTESTS_RUNTIME_GPUTESTSUPPORT_H
