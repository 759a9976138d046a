//===- NoEmbeddedKernels.cpp - An empty embedded-kernel table -------------===//
//
// Used by builds that embed no kernels: the runtime then loads them from a
// directory only.
//
//===----------------------------------------------------------------------===//

#include "EmbeddedKernels.h"

namespace msa::runtime {
const EmbeddedKernel *embeddedKernels(size_t &count) {
  count = 0;
  return nullptr;
}
} // namespace msa::runtime
