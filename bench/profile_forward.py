#!/usr/bin/env python3
"""Runs one forward case a few times, for a profiler (ncu/nsys) to attach to.

Usage: profile_forward.py --lib libmsa_runtime.so --kernels DIR S R C
"""
import argparse
import sys

import torch

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from bench_forward import Ours, make_inputs  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--lib", required=True)
    p.add_argument("--kernels", required=True)
    p.add_argument("S", type=int)
    p.add_argument("R", type=int)
    p.add_argument("C", type=int)
    p.add_argument("--runs", type=int, default=3)
    a = p.parse_args()
    ours = Ours(a.lib, a.kernels)
    x = make_inputs(1, a.S, a.R, 8, a.C, torch.bfloat16, False, 1)[0]
    out = torch.empty_like(x[0])
    for _ in range(a.runs):
        ours.forward(*x, out, 1e9)
    torch.cuda.synchronize()


if __name__ == "__main__":
    main()
