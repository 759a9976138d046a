#!/usr/bin/env python3
"""Backward benchmark of the msa kernels against PyTorch autograd.

In one process on one GPU it measures:
  * the ceilings: GEMM throughput in the measured data type and device copy
    bandwidth (as bench_forward.py), used for the roofline floor;
  * our backward, through the C ABI (libmsa_runtime.so via ctypes) on
    torch's pointers and current stream, given `out` from our forward;
  * PyTorch autograd through softmax + einsum + sigmoid gate (the AF3-style
    reference module): torch.autograd.grad of the module's output with
    respect to v, bias and gate for a random upstream gradient, on a graph
    built beforehand, so that only the backward is timed.

Method: CUDA events around each call, warm-up, the median of many runs, and
inputs rotated across enough copies to exceed the L2 cache. Reports TFLOP/s,
% of the roofline floor (floor = max(FLOPs/peak, bytes/bandwidth); FLOPs =
4*B*H*S*C*R^2, the dv and dW GEMMs; bytes = dout, v, gate, out and bias
(and masks) read once, dv, dgate and dbias written once), speed-up over
autograd, peak extra memory (ours: the scratch buffers; autograd: what its
graph holds from the forward plus the backward's transient peak), and the
relative error of our gradients against fp32 autograd on the first copy.
Writes a CSV, PNG plots and a table; prints a progress line per case.

Usage (as bench_forward.py):
  python3 bench/bench_backward.py --lib build/lib/libmsa_runtime.so \
      --kernels build/kernels --out bench/results [--dtype f32|tf32] \
      [--masks] [--quick]
Files: backward_<dtype>[_masks].csv, backward_<dtype>[_masks].png (time vs R
for S = 32 and 64, C = 32), backward_<dtype>[_masks]_memory.png.
"""

import argparse
import ctypes
import csv
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_forward import (  # noqa: E402
    DTYPES, Ours, ceilings, grid, make_inputs, reference, time_ms)


class BackwardArgs(ctypes.Structure):
    """msa_backward_args of msa_runtime.h, field for field."""
    _fields_ = [(n, ctypes.c_int64) for n in ("B", "S", "R", "H", "C")] + [
        ("dtype", ctypes.c_int32), ("precision", ctypes.c_int32),
        ("dout", ctypes.c_void_p), ("v", ctypes.c_void_p),
        ("bias", ctypes.c_void_p), ("gate", ctypes.c_void_p),
        ("out", ctypes.c_void_p), ("lse", ctypes.c_void_p),
        ("pair_mask", ctypes.c_void_p), ("msa_mask", ctypes.c_void_p),
        ("dv", ctypes.c_void_p), ("dbias", ctypes.c_void_p),
        ("dgate", ctypes.c_void_p),
        ("dout_strides", ctypes.c_int64 * 5), ("v_strides", ctypes.c_int64 * 5),
        ("gate_strides", ctypes.c_int64 * 5), ("out_strides", ctypes.c_int64 * 5),
        ("dv_strides", ctypes.c_int64 * 5), ("dgate_strides", ctypes.c_int64 * 5),
        ("bias_strides", ctypes.c_int64 * 4), ("dbias_strides", ctypes.c_int64 * 4),
        ("pair_mask_strides", ctypes.c_int64 * 3),
        ("msa_mask_strides", ctypes.c_int64 * 3),
        ("inf", ctypes.c_double)]


class OursBackward(Ours):
    def __init__(self, lib_path, kernel_dir):
        super().__init__(lib_path, kernel_dir)
        self.lib.msa_backward.argtypes = [
            ctypes.c_void_p, ctypes.POINTER(BackwardArgs), ctypes.c_void_p,
            ctypes.c_char_p, ctypes.c_size_t]

    def backward(self, dout, v, bias, gate, out, pm, mm, dv, dbias, dgate,
                 inf, tf32=False):
        B, S, R, H, C = v.shape
        a = BackwardArgs(B=B, S=S, R=R, H=H, C=C, dtype=DTYPES[v.dtype],
                         precision=1 if tf32 else 0,
                         dout=dout.data_ptr(), v=v.data_ptr(),
                         bias=bias.data_ptr(), gate=gate.data_ptr(),
                         out=out.data_ptr(), lse=None,
                         pair_mask=pm.data_ptr() if pm is not None else None,
                         msa_mask=mm.data_ptr() if mm is not None else None,
                         dv=dv.data_ptr(), dbias=dbias.data_ptr(),
                         dgate=dgate.data_ptr(), inf=inf)
        stream = torch.cuda.current_stream().cuda_stream
        if self.lib.msa_backward(self.rt, ctypes.byref(a),
                                 ctypes.c_void_p(stream), self.err, 4096):
            raise RuntimeError(self.err.value.decode())
        return dv, dbias, dgate


def autograd_graph(v, bias, gate, pm, mm, inf, dtype=None):
    """The reference module's output on leaves that require grad (cast to
    `dtype` if given), for torch.autograd.grad to differentiate."""
    leaves = [x.detach().to(dtype or x.dtype).requires_grad_()
              for x in (v, bias, gate)]
    if dtype is not None:
        pm = pm.to(dtype) if pm is not None else None
        mm = mm.to(dtype) if mm is not None else None
    y = reference(leaves[0], leaves[1], leaves[2], pm, mm, inf)
    return y, leaves


def rel_err(got, ref):
    got, ref = got.float(), ref.float()
    scale = ref.norm().item()
    return (got - ref).norm().item() / scale if scale > 0 else float("nan")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--lib", required=True, help="path to libmsa_runtime.so")
    p.add_argument("--kernels", required=True, help="msa-codegen output dir")
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--dtype", default="bf16", choices=["bf16", "f16", "f32", "tf32"],
                   help="f32 runs our 3xTF32 (ieee) kernels, tf32 our tf32 ones; "
                        "both against fp32 PyTorch")
    p.add_argument("--masks", action="store_true", help="pair and msa masks")
    p.add_argument("--quick", action="store_true", help="the 3 target cases")
    args = p.parse_args()
    dtype = {"bf16": torch.bfloat16, "f16": torch.float16}.get(args.dtype, torch.float32)
    tf32 = args.dtype == "tf32"
    es = 4 if dtype == torch.float32 else 2
    inf = 1e9
    os.makedirs(args.out, exist_ok=True)
    ours = OursBackward(args.lib, args.kernels)
    gemm_peak, bandwidth = ceilings(dtype, tf32)
    torch.backends.cuda.matmul.allow_tf32 = tf32
    dev = torch.cuda.get_device_name()
    print(f"device: {dev}; measured ceilings: {args.dtype} GEMM "
          f"{gemm_peak / 1e12:.0f} TFLOP/s, copy {bandwidth / 1e12:.2f} TB/s",
          flush=True)
    cases = grid()
    if args.quick:
        cases = [(1024, 384, 8), (1024, 768, 8), (64, 2048, 32)]
    rows = []
    B, H = 1, 8
    l2 = 50 << 20
    for S, R, C in cases:
        n = B * S * R * H * C
        pair = B * R * R * H
        # Read: dout, v, gate, out, bias; written: dv, dgate, dbias.
        case_bytes = es * (6 * n + 2 * pair)
        if args.masks:
            case_bytes += es * (B * R * R + B * S * R)
        copies = max(2, min(8, math.ceil(4 * l2 / case_bytes)))
        inputs = make_inputs(B, S, R, H, C, dtype, args.masks, copies)
        douts = [torch.randn_like(x[0]) for x in inputs]
        outs = [torch.empty_like(x[0]) for x in inputs]
        for x, o in zip(inputs, outs):
            ours.forward(*x, o, inf, tf32)
        grads = [(torch.empty_like(x[0]), torch.empty_like(x[1]),
                  torch.empty_like(x[0])) for x in inputs]
        flops = 4 * B * H * S * C * R * R
        floor_s = max(flops / gemm_peak, case_bytes / bandwidth)
        row = dict(device=dev, dtype=args.dtype, masks=int(args.masks), B=B,
                   S=S, R=R, H=H, C=C, flops=flops, bytes=case_bytes,
                   floor_us=floor_s * 1e6)

        # Correctness against fp32 autograd on the first copy.
        (v, bias, gate, pm, mm), dout = inputs[0], douts[0]
        ours.backward(dout, v, bias, gate, outs[0], pm, mm, *grads[0], inf, tf32)
        previous = torch.backends.cuda.matmul.allow_tf32
        torch.backends.cuda.matmul.allow_tf32 = False
        try:
            y, leaves = autograd_graph(v, bias, gate, pm, mm, inf, torch.float32)
            ref = torch.autograd.grad(y, leaves, dout.float())
            for name, got, r in zip(("dv", "dbias", "dgate"), grads[0], ref):
                row[f"{name}_rel_err"] = rel_err(got, r)
            del y, leaves, ref
        except torch.OutOfMemoryError:
            for name in ("dv", "dbias", "dgate"):
                row[f"{name}_rel_err"] = float("nan")
        torch.backends.cuda.matmul.allow_tf32 = previous
        torch.cuda.empty_cache()

        ours_inputs = [(d,) + x[:3] + (o,) + x[3:] + g
                       for x, d, o, g in zip(inputs, douts, outs, grads)]
        t_ours = time_ms(
            lambda d, v, b, g, o, pm, mm, dv, db, dg:
                ours.backward(d, v, b, g, o, pm, mm, dv, db, dg, inf, tf32),
            ours_inputs)
        rp = (R + 7) // 8 * 8
        row["ours_us"] = t_ours * 1e3
        # probs, dO' and the row sums D.
        row["ours_extra_bytes"] = B * H * R * rp * es + n * es + B * H * R * 4
        del ours_inputs
        try:
            torch.cuda.synchronize()
            base = torch.cuda.memory_allocated()
            graphs = [autograd_graph(*x, inf) for x in inputs]
            torch.cuda.synchronize()
            # What each graph keeps from its forward, less the output itself
            # (our backward reads the forward's output too).
            saved = (torch.cuda.memory_allocated() - base) / len(graphs) - n * es
            torch_inputs = [(y, leaves, d) for (y, leaves), d in zip(graphs, douts)]
            held = torch.cuda.memory_allocated()
            torch.cuda.reset_peak_memory_stats()
            t_ref = time_ms(
                lambda y, leaves, d: torch.autograd.grad(y, leaves, d,
                                                         retain_graph=True),
                torch_inputs)
            transient = torch.cuda.max_memory_allocated() - held
            row["torch_us"] = t_ref * 1e3
            row["torch_saved_bytes"] = saved
            row["torch_extra_bytes"] = saved + transient
            del graphs, torch_inputs
        except torch.OutOfMemoryError:
            row["torch_us"] = float("nan")
            row["torch_saved_bytes"] = float("nan")
            row["torch_extra_bytes"] = float("nan")
            graphs = torch_inputs = None
        torch.cuda.empty_cache()
        row["ours_tflops"] = flops / (row["ours_us"] * 1e-6) / 1e12
        row["torch_tflops"] = flops / (row["torch_us"] * 1e-6) / 1e12
        row["ours_pct_floor"] = 100 * row["floor_us"] / row["ours_us"]
        row["torch_pct_floor"] = 100 * row["floor_us"] / row["torch_us"]
        row["speedup"] = row["torch_us"] / row["ours_us"]
        rows.append(row)
        print(f"S={S:5d} R={R:5d} C={C:3d}: ours {row['ours_us']:9.1f} us "
              f"({row['ours_pct_floor']:5.1f}% of floor {row['floor_us']:8.1f} us), "
              f"autograd {row['torch_us']:9.1f} us, x{row['speedup']:.2f}, "
              f"rel err dv {row['dv_rel_err']:.1e} dbias {row['dbias_rel_err']:.1e} "
              f"dgate {row['dgate_rel_err']:.1e}", flush=True)
        del inputs, douts, outs, grads
        torch.cuda.empty_cache()

    tag = args.dtype + ("_masks" if args.masks else "")
    path = os.path.join(args.out, f"backward_{tag}.csv")
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {path}")
    print("\n| S | R | C | ours us | autograd us | speed-up | ours % floor | "
          "autograd % floor | ours MiB | autograd MiB |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['S']} | {r['R']} | {r['C']} | {r['ours_us']:.1f} | "
              f"{r['torch_us']:.1f} | {r['speedup']:.2f} | "
              f"{r['ours_pct_floor']:.1f} | {r['torch_pct_floor']:.1f} | "
              f"{r['ours_extra_bytes'] / 2**20:.0f} | "
              f"{r['torch_extra_bytes'] / 2**20:.0f} |")
    plot(rows, args.out, tag)


def plot(rows, out, tag):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib missing: no plots", file=sys.stderr)
        return
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    for S, ax in zip((32, 64), axes):
        sel = [r for r in rows if r["S"] == S and r["C"] == 32 and r["R"] % 128 == 0]
        if not sel:
            continue
        Rs = [r["R"] for r in sel]
        ax.plot(Rs, [r["ours_us"] for r in sel], "o-", label="msa (ours)")
        ax.plot(Rs, [r["torch_us"] for r in sel], "s-",
                label="autograd: softmax+einsum+sigmoid")
        ax.plot(Rs, [r["floor_us"] for r in sel], "k--", label="roofline floor")
        ax.set_title(f"backward {tag}, S={S}, C=32, H=8")
        ax.set_xlabel("R")
        ax.set_ylabel("time (us)")
        ax.set_yscale("log")
        ax.legend()
        ax.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(os.path.join(out, f"backward_{tag}.png"), dpi=120)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    sel = [r for r in rows if r["S"] == 64 and r["C"] == 32]
    if sel:
        Rs = [r["R"] for r in sel]
        ax.plot(Rs, [r["ours_extra_bytes"] / 2**20 for r in sel], "o-",
                label="msa (ours): probs, dO' and D scratch")
        ax.plot(Rs, [r["torch_extra_bytes"] / 2**20 for r in sel], "s-",
                label="autograd: saved by the forward + backward peak")
        ax.set_title(f"backward {tag}: extra device memory, S=64, C=32, H=8")
        ax.set_xlabel("R")
        ax.set_ylabel("MiB")
        ax.set_yscale("log")
        ax.legend()
        ax.grid(True, alpha=0.3)
        fig.tight_layout()
        fig.savefig(os.path.join(out, f"backward_{tag}_memory.png"), dpi=120)


if __name__ == "__main__":
    main()
