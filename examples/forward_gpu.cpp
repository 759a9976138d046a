//===- forward_gpu.cpp - The GPU forward end to end, through the runtime --===//
//
// Loads the kernels msa-codegen generated, runs the forward on a random
// bf16 problem with both masks (B=1, S=64, R=384, H=8, C=32 by default;
// `forward_gpu KERNEL_DIR [S R C]`), checks it against the float64
// reference and prints the time. Without a GPU it says why and exits 0.
// Without KERNEL_DIR it uses the kernels embedded in the runtime library.
//
//===----------------------------------------------------------------------===//

#include "msa/Reference/Problem.h"
#include "msa/Runtime/Runtime.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace ref = msa::reference;
using namespace msa::runtime;

static int fail(const Status &s) {
  std::fprintf(stderr, "forward_gpu: error: %s\n", s.message().c_str());
  return 1;
}

int main(int argc, char **argv) {
  if (argc != 1 && argc != 2 && argc != 5) {
    std::fprintf(stderr, "usage: forward_gpu [KERNEL_DIR [S R C]]\n");
    return 2;
  }
  std::string kernelDir = argc > 1 ? argv[1] : "";
  ref::ProblemConfig config;
  config.shape = {1, 64, 384, 8, 32};
  if (argc == 5) {
    // S and R positive (and small enough for the float64 reference on the
    // host), C one of the supported head dimensions.
    int64_t size[3];
    for (int k = 0; k < 3; ++k) {
      char *end = nullptr;
      size[k] = std::strtoll(argv[2 + k], &end, 10);
      if (*argv[2 + k] == '\0' || *end != '\0' || size[k] < 1 ||
          size[k] > 65536) {
        std::fprintf(stderr,
                     "forward_gpu: S, R and C must be integers in [1, 65536], "
                     "got '%s'\n",
                     argv[2 + k]);
        return 2;
      }
    }
    config.shape = {1, size[0], size[1], 8, size[2]};
  }
  config.dtype = config.biasType = ref::ElementType::BF16;
  config.pairMask = config.msaMask = true;
  config.inf = 1e9;

  std::unique_ptr<Runtime> runtime;
  if (Status s = Runtime::create(kernelDir, runtime); !s) {
    std::printf("forward_gpu: no GPU run (%s)\n", s.message().c_str());
    return 0;
  }
  ref::Problem p(config);
  std::printf("forward_gpu: %s on %s, %s kernels\n", p.describe().c_str(),
              runtime->chip().c_str(),
              kernelDir.empty() ? "embedded" : kernelDir.c_str());

  DeviceBuffer v, bias, gate, pm, mm, out, lse;
  for (auto [d, t] : {std::pair<DeviceBuffer *, ref::Tensor *>{&v, &p.v},
                      {&bias, &p.bias},
                      {&gate, &p.gate},
                      {&pm, &p.pairMask},
                      {&mm, &p.msaMask},
                      {&out, &p.out},
                      {&lse, &p.lse}}) {
    if (Status s = DeviceBuffer::allocate(t->sizeInBytes(), *d); !s)
      return fail(s);
    if (Status s = d->upload(t->data(), t->sizeInBytes()); !s)
      return fail(s);
  }
  ForwardArgs a;
  const ref::Shape &sh = p.shape();
  a.B = sh.B;
  a.S = sh.S;
  a.R = sh.R;
  a.H = sh.H;
  a.C = sh.C;
  a.dtype = DType::BF16;
  a.v = v.data();
  a.bias = bias.data();
  a.gate = gate.data();
  a.pairMask = pm.data();
  a.msaMask = mm.data();
  a.out = out.data();
  a.lse = static_cast<float *>(lse.data());
  a.inf = config.inf;

  // The first call loads and JIT-compiles the module; time the later ones.
  if (Status s = runtime->forward(a, nullptr); !s)
    return fail(s);
  if (Status s = synchronize(nullptr); !s)
    return fail(s);
  const int runs = 20;
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < runs; ++i)
    if (Status s = runtime->forward(a, nullptr); !s)
      return fail(s);
  if (Status s = synchronize(nullptr); !s)
    return fail(s);
  auto t1 = std::chrono::steady_clock::now();
  double us = std::chrono::duration<double, std::micro>(t1 - t0).count() / runs;

  if (Status s = out.download(p.out.data(), p.out.sizeInBytes()); !s)
    return fail(s);
  if (Status s = lse.download(p.lse.data(), p.lse.sizeInBytes()); !s)
    return fail(s);
  std::string message;
  double errOut = 0, errLse = 0;
  bool ok = ref::checkClose("out", p.out, p.refOut,
                            ref::tolerance(config.dtype), message, &errOut);
  if (!ok)
    std::printf("  %s\n", message.c_str());
  bool okLse = ref::checkClose("lse", p.lse, p.refLse, 1e-5, message, &errLse);
  if (!okLse)
    std::printf("  %s\n", message.c_str());
  std::printf("  out rel err %.3e (limit %.0e), lse rel err %.3e\n", errOut,
              ref::tolerance(config.dtype), errLse);
  std::printf("  %.1f us per call (mean of %d, host clock, back to back)\n", us,
              runs);
  std::printf("%s\n", ok && okLse ? "PASS" : "FAIL");
  return ok && okLse ? 0 : 1;
}
