#!/usr/bin/env python3
"""Times our forward with kernels from several directories, side by side in
one process (e.g. `msa-codegen --all` against `msa-codegen --all --mma=wgmma`).

Usage: compare_forward.py --lib libmsa_runtime.so DIR [DIR ...]

Same method as bench_forward.py (CUDA events, warm-up, the median of 20
runs, inputs rotated over 4 copies) on the three target cases (B = 1,
H = 8, bf16, no masks). Prints one line per directory: the times in us.
"""
import argparse
import sys

import torch

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from bench_forward import Ours, make_inputs  # noqa: E402

CASES = [(1024, 384, 8), (1024, 768, 8), (64, 2048, 32)]


def median_us(ours, inputs, out, runs=20, warmup=5):
    for i in range(warmup):
        ours.forward(*inputs[i % len(inputs)], out, 1e9)
    times = []
    for i in range(runs):
        start = torch.cuda.Event(enable_timing=True)
        end = torch.cuda.Event(enable_timing=True)
        start.record()
        ours.forward(*inputs[i % len(inputs)], out, 1e9)
        end.record()
        torch.cuda.synchronize()
        times.append(start.elapsed_time(end) * 1000.0)
    times.sort()
    return times[len(times) // 2]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--lib", required=True)
    p.add_argument("dirs", nargs="+")
    a = p.parse_args()
    print("kernels " + " ".join("S=%d,R=%d,C=%d" % c for c in CASES))
    for d in a.dirs:
        ours = Ours(a.lib, d)
        row = []
        for S, R, C in CASES:
            inputs = make_inputs(1, S, R, 8, C, torch.bfloat16, False, 4)
            out = torch.empty_like(inputs[0][0])
            row.append("%.1f" % median_us(ours, inputs, out))
        print(d, " ".join(row), flush=True)


if __name__ == "__main__":
    main()
