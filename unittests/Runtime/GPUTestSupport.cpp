//===- GPUTestSupport.cpp - Shared setup of the runtime GPU tests ---------===//

#include "GPUTestSupport.h"

#include <cstdlib>

namespace msa::runtime::test {

std::string kernelDir() {
  if (const char *dir = std::getenv("MSA_KERNEL_DIR"))
    return dir;
  return MSA_DEFAULT_KERNEL_DIR;
}

namespace {
/// Creates the shared runtime before the first test and releases it after
/// the last, while the driver is still usable.
class RuntimeEnvironment : public testing::Environment {
public:
  void SetUp() override {
    Status s = Runtime::create(kernelDir(), runtime);
    if (!s)
      reason = s.message();
  }
  void TearDown() override { runtime.reset(); }
  static std::unique_ptr<Runtime> runtime;
  static std::string reason;
};
std::unique_ptr<Runtime> RuntimeEnvironment::runtime;
std::string RuntimeEnvironment::reason;
[[maybe_unused]] testing::Environment *const environment =
    testing::AddGlobalTestEnvironment(new RuntimeEnvironment);
} // namespace

Runtime *sharedRuntime() { return RuntimeEnvironment::runtime.get(); }
const std::string &noRuntimeReason() { return RuntimeEnvironment::reason; }

DType toDType(reference::ElementType type) {
  switch (type) {
  case reference::ElementType::BF16:
    return DType::BF16;
  case reference::ElementType::F16:
    return DType::F16;
  case reference::ElementType::F32:
    return DType::F32;
  }
  return DType::F32;
}

Status toDevice(const void *host, size_t bytes, DeviceBuffer &device) {
  if (bytes == 0)
    return Status::success();
  if (Status s = DeviceBuffer::allocate(bytes, device); !s)
    return s;
  return device.upload(host, bytes);
}

} // namespace msa::runtime::test
