#!/usr/bin/env python3
"""Runs one backward case a few times, for a profiler (ncu/nsys) to attach to.

Usage: profile_backward.py --lib libmsa_runtime.so --kernels DIR S R C
"""
import argparse
import sys

import torch

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from bench_backward import OursBackward  # noqa: E402
from bench_forward import make_inputs  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--lib", required=True)
    p.add_argument("--kernels", required=True)
    p.add_argument("S", type=int)
    p.add_argument("R", type=int)
    p.add_argument("C", type=int)
    p.add_argument("--runs", type=int, default=2)
    a = p.parse_args()
    ours = OursBackward(a.lib, a.kernels)
    v, bias, gate, pm, mm = make_inputs(1, a.S, a.R, 8, a.C, torch.bfloat16,
                                        False, 1)[0]
    out = torch.empty_like(v)
    ours.forward(v, bias, gate, pm, mm, out, 1e9)
    dout = torch.randn_like(v)
    dv, dgate = torch.empty_like(v), torch.empty_like(v)
    dbias = torch.empty_like(bias)
    for _ in range(a.runs):
        ours.backward(dout, v, bias, gate, out, pm, mm, dv, dbias, dgate, 1e9)
    torch.cuda.synchronize()


if __name__ == "__main__":
    main()
