//===- backward_gpu.cpp - The GPU backward end to end, through the runtime ===//
//
// Loads the kernels msa-codegen generated, runs the forward and then the
// backward on a random bf16 problem with both masks (B=1, S=64, R=384, H=8,
// C=32 by default; `backward_gpu KERNEL_DIR [S R C]`), as a training step
// does, checks dv, dbias and dgate against the float64 reference and prints
// the backward's time. Without a GPU it says why and exits 0. Without
// KERNEL_DIR it uses the kernels embedded in the runtime library.
//
//===----------------------------------------------------------------------===//

#include "msa/Reference/Problem.h"
#include "msa/Runtime/Runtime.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace ref = msa::reference;
using namespace msa::runtime;

static int fail(const Status &s) {
  std::fprintf(stderr, "backward_gpu: error: %s\n", s.message().c_str());
  return 1;
}

int main(int argc, char **argv) {
  if (argc != 1 && argc != 2 && argc != 5) {
    std::fprintf(stderr, "usage: backward_gpu [KERNEL_DIR [S R C]]\n");
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
                     "backward_gpu: S, R and C must be integers in [1, 65536], "
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
    std::printf("backward_gpu: no GPU run (%s)\n", s.message().c_str());
    return 0;
  }
  ref::Problem p(config);
  p.computeBackward();
  std::printf("backward_gpu: %s on %s, %s kernels\n", p.describe().c_str(),
              runtime->chip().c_str(),
              kernelDir.empty() ? "embedded" : kernelDir.c_str());

  DeviceBuffer v, bias, gate, pm, mm, out, lse, dout, dv, dbias, dgate;
  for (auto [d, t] : {std::pair<DeviceBuffer *, ref::Tensor *>{&v, &p.v},
                      {&bias, &p.bias},
                      {&gate, &p.gate},
                      {&pm, &p.pairMask},
                      {&mm, &p.msaMask},
                      {&out, &p.out},
                      {&lse, &p.lse},
                      {&dout, &p.dout},
                      {&dv, &p.dv},
                      {&dbias, &p.dbias},
                      {&dgate, &p.dgate}}) {
    if (Status s = DeviceBuffer::allocate(t->sizeInBytes(), *d); !s)
      return fail(s);
    if (Status s = d->upload(t->data(), t->sizeInBytes()); !s)
      return fail(s);
  }
  const ref::Shape &sh = p.shape();
  ForwardArgs f;
  f.B = sh.B;
  f.S = sh.S;
  f.R = sh.R;
  f.H = sh.H;
  f.C = sh.C;
  f.dtype = DType::BF16;
  f.v = v.data();
  f.bias = bias.data();
  f.gate = gate.data();
  f.pairMask = pm.data();
  f.msaMask = mm.data();
  f.out = out.data();
  f.lse = static_cast<float *>(lse.data());
  f.inf = config.inf;
  BackwardArgs b;
  b.B = sh.B;
  b.S = sh.S;
  b.R = sh.R;
  b.H = sh.H;
  b.C = sh.C;
  b.dtype = DType::BF16;
  b.dout = dout.data();
  b.v = v.data();
  b.bias = bias.data();
  b.gate = gate.data();
  b.out = out.data();
  b.pairMask = pm.data();
  b.msaMask = mm.data();
  b.dv = dv.data();
  b.dbias = dbias.data();
  b.dgate = dgate.data();
  b.inf = config.inf;

  // The first calls load and JIT-compile the modules; time the later ones.
  if (Status s = runtime->forward(f, nullptr); !s)
    return fail(s);
  if (Status s = runtime->backward(b, nullptr); !s)
    return fail(s);
  if (Status s = synchronize(nullptr); !s)
    return fail(s);
  const int runs = 20;
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < runs; ++i)
    if (Status s = runtime->backward(b, nullptr); !s)
      return fail(s);
  if (Status s = synchronize(nullptr); !s)
    return fail(s);
  auto t1 = std::chrono::steady_clock::now();
  double us = std::chrono::duration<double, std::micro>(t1 - t0).count() / runs;

  for (auto [d, t] : {std::pair<DeviceBuffer *, ref::Tensor *>{&dv, &p.dv},
                      {&dbias, &p.dbias},
                      {&dgate, &p.dgate}})
    if (Status s = d->download(t->data(), t->sizeInBytes()); !s)
      return fail(s);
  double limit = ref::tolerance(config.dtype);
  // dbias = W * (dW - D) is measured against the larger of its own norm and
  // that of the terms that cancel in it.
  double refDbiasNorm = 0;
  for (double x : p.refDbias)
    refDbiasNorm += x * x;
  double dbiasScale = std::max(std::sqrt(refDbiasNorm), p.dbiasTermsNorm());
  bool ok = true;
  std::string message;
  double errDv = 0, errDbias = 0, errDgate = 0;
  ok &= ref::checkClose("dv", p.dv, p.refDv, limit, message, &errDv);
  if (!ok)
    std::printf("  %s\n", message.c_str());
  bool okDbias = ref::checkClose("dbias", p.dbias, p.refDbias, limit, message,
                                 &errDbias, dbiasScale);
  if (!okDbias)
    std::printf("  %s\n", message.c_str());
  bool okDgate =
      ref::checkClose("dgate", p.dgate, p.refDgate, limit, message, &errDgate);
  if (!okDgate)
    std::printf("  %s\n", message.c_str());
  ok = ok && okDbias && okDgate;
  std::printf("  rel err dv %.3e, dbias %.3e, dgate %.3e (limit %.0e)\n", errDv,
              errDbias, errDgate, limit);
  std::printf("  backward %.1f us per call (mean of %d, host clock, back to "
              "back)\n",
              us, runs);
  std::printf("%s\n", ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}
