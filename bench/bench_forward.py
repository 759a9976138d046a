#!/usr/bin/env python3
"""Forward benchmark of the msa kernels against what users run today.

In one process on one GPU it measures:
  * the ceilings: GEMM throughput in the measured data type (torch.matmul;
    fp32 without tf32 for f32, with it for tf32) and device copy
    bandwidth (read + write), used for the roofline floor;
  * our forward, through the C ABI (libmsa_runtime.so via ctypes) on
    torch's pointers and current stream;
  * PyTorch softmax + einsum + sigmoid gate (the AF3-style reference module).

Method: CUDA events around each call, warm-up, the median of many runs, and
inputs rotated across enough copies to exceed the L2 cache. Reports TFLOP/s,
% of the roofline floor (floor = max(FLOPs/peak, bytes/bandwidth); FLOPs =
2*B*H*S*C*R^2; bytes = v, gate, bias, masks read once and out written once),
speed-up over einsum, and peak extra memory. Writes a CSV, PNG plots and a
table; prints a progress line per case.
"""

import argparse
import ctypes
import csv
import math
import os
import statistics
import sys

import torch


class ForwardArgs(ctypes.Structure):
    _fields_ = [(n, ctypes.c_int64) for n in ("B", "S", "R", "H", "C")] + [
        ("dtype", ctypes.c_int32),
        ("v", ctypes.c_void_p), ("bias", ctypes.c_void_p),
        ("gate", ctypes.c_void_p), ("pair_mask", ctypes.c_void_p),
        ("msa_mask", ctypes.c_void_p), ("out", ctypes.c_void_p),
        ("lse", ctypes.c_void_p),
        ("v_strides", ctypes.c_int64 * 5), ("gate_strides", ctypes.c_int64 * 5),
        ("out_strides", ctypes.c_int64 * 5), ("bias_strides", ctypes.c_int64 * 4),
        ("pair_mask_strides", ctypes.c_int64 * 3),
        ("msa_mask_strides", ctypes.c_int64 * 3),
        ("inf", ctypes.c_double), ("precision", ctypes.c_int32)]


DTYPES = {torch.bfloat16: 0, torch.float16: 1, torch.float32: 2}


class Ours:
    def __init__(self, lib_path, kernel_dir):
        self.lib = ctypes.CDLL(lib_path)
        self.lib.msa_runtime_create.argtypes = [
            ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_void_p),
            ctypes.c_char_p, ctypes.c_size_t]
        self.lib.msa_forward.argtypes = [
            ctypes.c_void_p, ctypes.POINTER(ForwardArgs), ctypes.c_void_p,
            ctypes.c_char_p, ctypes.c_size_t]
        self.err = ctypes.create_string_buffer(4096)
        self.rt = ctypes.c_void_p()
        torch.cuda.init()
        torch.zeros(1, device="cuda")  # make torch's context current
        if self.lib.msa_runtime_create(kernel_dir.encode(), 0,
                                       ctypes.byref(self.rt), self.err, 4096):
            raise RuntimeError(self.err.value.decode())

    def forward(self, v, bias, gate, pm, mm, out, inf, tf32=False):
        B, S, R, H, C = v.shape
        a = ForwardArgs(B=B, S=S, R=R, H=H, C=C, dtype=DTYPES[v.dtype],
                        v=v.data_ptr(), bias=bias.data_ptr(),
                        gate=gate.data_ptr(),
                        pair_mask=pm.data_ptr() if pm is not None else None,
                        msa_mask=mm.data_ptr() if mm is not None else None,
                        out=out.data_ptr(), lse=None, inf=inf,
                        precision=1 if tf32 else 0)
        stream = torch.cuda.current_stream().cuda_stream
        if self.lib.msa_forward(self.rt, ctypes.byref(a), ctypes.c_void_p(stream),
                                self.err, 4096):
            raise RuntimeError(self.err.value.decode())
        return out


def reference(v, bias, gate, pm, mm, inf):
    """softmax + einsum + sigmoid gate, as AF3-style modules write it."""
    logits = bias.float()
    if pm is not None:
        logits = logits + inf * (pm.float()[..., None] - 1)
    w = torch.softmax(logits, dim=2).to(v.dtype)          # [B, R, R, H]
    if mm is not None:
        v = v * mm[..., None, None]
    o = torch.einsum("bijh,bsjhc->bsihc", w, v)
    return torch.sigmoid(gate) * o


def time_ms(fn, inputs, warmup=5, runs=30):
    """Median CUDA-event time of fn(*inputs[k]) rotating over the inputs."""
    for i in range(warmup):
        fn(*inputs[i % len(inputs)])
    times = []
    for i in range(runs):
        args = inputs[i % len(inputs)]
        start = torch.cuda.Event(enable_timing=True)
        stop = torch.cuda.Event(enable_timing=True)
        start.record()
        fn(*args)
        stop.record()
        stop.synchronize()
        times.append(start.elapsed_time(stop))
    return statistics.median(times)


def ceilings(dtype, tf32):
    """GEMM throughput of torch.matmul in the measured data type (fp32 with
    or without tf32 tensor cores), and device copy bandwidth."""
    n = 8192
    a = torch.randn(n, n, device="cuda", dtype=dtype)
    b = torch.randn(n, n, device="cuda", dtype=dtype)
    previous = torch.backends.cuda.matmul.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = tf32
    ms = time_ms(lambda x, y: torch.matmul(x, y), [(a, b)], warmup=3, runs=20)
    torch.backends.cuda.matmul.allow_tf32 = previous
    gemm = 2 * n ** 3 / (ms * 1e-3)
    x = torch.empty(1 << 30, device="cuda", dtype=torch.uint8)
    y = torch.empty_like(x)
    ms = time_ms(lambda s, d: d.copy_(s), [(x, y)], warmup=3, runs=20)
    bw = 2 * x.numel() / (ms * 1e-3)
    del a, b, x, y
    torch.cuda.empty_cache()
    return gemm, bw


def make_inputs(B, S, R, H, C, dtype, masks, copies):
    out = []
    for _ in range(copies):
        v = torch.randn(B, S, R, H, C, device="cuda", dtype=dtype)
        bias = torch.randn(B, R, R, H, device="cuda", dtype=dtype)
        gate = torch.randn(B, S, R, H, C, device="cuda", dtype=dtype)
        pm = mm = None
        if masks:
            pm = (torch.rand(B, R, R, device="cuda") < 0.9).to(dtype)
            mm = (torch.rand(B, S, R, device="cuda") < 0.9).to(dtype)
        out.append((v, bias, gate, pm, mm))
    return out


def grid():
    cases = []
    for S in (32, 64):
        for R in range(128, 2049, 128):
            cases.append((S, R, 32))
    for R in (384, 768, 1536):
        cases.append((1024, R, 8))
    for S in (1024, 4096):
        for R in (384, 768):
            cases.append((S, R, 32))
    return cases


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
    ours = Ours(args.lib, args.kernels)
    # f32 (ieee) is measured against fp32 GEMM throughput (what an
    # fp32-accurate library GEMM reaches), tf32 against tf32 throughput; the
    # PyTorch baseline in tf32 mode runs its einsum on tf32 tensor cores too.
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
        case_bytes = es * (3 * n + B * R * R * H)
        if args.masks:
            case_bytes += es * (B * R * R + B * S * R)
        copies = max(2, min(8, math.ceil(4 * l2 / case_bytes)))
        inputs = make_inputs(B, S, R, H, C, dtype, args.masks, copies)
        outs = [torch.empty_like(x[0]) for x in inputs]
        flops = 2 * B * H * S * C * R * R
        floor_s = max(flops / gemm_peak, case_bytes / bandwidth)
        row = dict(device=dev, dtype=args.dtype, masks=int(args.masks), B=B,
                   S=S, R=R, H=H, C=C, flops=flops, bytes=case_bytes,
                   floor_us=floor_s * 1e6)
        # Correctness against the reference on the first copy.
        x = inputs[0]
        ref = reference(*x, inf).float()
        got = ours.forward(*x, outs[0], inf, tf32).float()
        row["rel_err_vs_torch"] = ((got - ref).norm() / ref.norm()).item()
        del ref, got
        ours_inputs = [x + (o,) for x, o in zip(inputs, outs)]
        t_ours = time_ms(lambda v, b, g, pm, mm, o: ours.forward(v, b, g, pm, mm, o, inf, tf32),
                         ours_inputs)
        rp = (R + 7) // 8 * 8
        row["ours_us"] = t_ours * 1e3
        row["ours_extra_bytes"] = B * H * R * rp * es
        try:
            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats()
            base = torch.cuda.memory_allocated()
            t_ref = time_ms(lambda v, b, g, pm, mm: reference(v, b, g, pm, mm, inf),
                            inputs)
            row["torch_us"] = t_ref * 1e3
            row["torch_extra_bytes"] = torch.cuda.max_memory_allocated() - base
        except torch.OutOfMemoryError:
            row["torch_us"] = float("nan")
            row["torch_extra_bytes"] = float("nan")
        torch.cuda.empty_cache()
        row["ours_tflops"] = flops / (row["ours_us"] * 1e-6) / 1e12
        row["torch_tflops"] = flops / (row["torch_us"] * 1e-6) / 1e12
        row["ours_pct_floor"] = 100 * row["floor_us"] / row["ours_us"]
        row["torch_pct_floor"] = 100 * row["floor_us"] / row["torch_us"]
        row["speedup"] = row["torch_us"] / row["ours_us"]
        rows.append(row)
        print(f"S={S:5d} R={R:5d} C={C:3d}: ours {row['ours_us']:9.1f} us "
              f"({row['ours_pct_floor']:5.1f}% of floor {row['floor_us']:8.1f} us), "
              f"torch {row['torch_us']:9.1f} us, x{row['speedup']:.2f}, "
              f"rel err {row['rel_err_vs_torch']:.1e}", flush=True)
        del inputs, outs, ours_inputs
        torch.cuda.empty_cache()

    path = os.path.join(args.out, f"forward_{args.dtype}{'_masks' if args.masks else ''}.csv")
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {path}")
    print("\n| S | R | C | ours us | torch us | speed-up | ours % floor | torch % floor |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['S']} | {r['R']} | {r['C']} | {r['ours_us']:.1f} | "
              f"{r['torch_us']:.1f} | {r['speedup']:.2f} | "
              f"{r['ours_pct_floor']:.1f} | {r['torch_pct_floor']:.1f} |")
    plot(rows, args.out, args.dtype + ("_masks" if args.masks else ""))


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
        sel = [r for r in rows if r["S"] == S and r["C"] == 32 and r["R"] <= 2048]
        sel = [r for r in sel if r["R"] % 128 == 0 and r["S"] in (32, 64)]
        if not sel:
            continue
        Rs = [r["R"] for r in sel]
        ax.plot(Rs, [r["ours_us"] for r in sel], "o-", label="msa (ours)")
        ax.plot(Rs, [r["torch_us"] for r in sel], "s-", label="softmax+einsum+sigmoid")
        ax.plot(Rs, [r["floor_us"] for r in sel], "k--", label="roofline floor")
        ax.set_title(f"forward {tag}, S={S}, C=32, H=8")
        ax.set_xlabel("R")
        ax.set_ylabel("time (us)")
        ax.set_yscale("log")
        ax.legend()
        ax.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(os.path.join(out, f"forward_{tag}.png"), dpi=120)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    sel = [r for r in rows if r["S"] == 64 and r["C"] == 32]
    if sel:
        Rs = [r["R"] for r in sel]
        ax.plot(Rs, [r["ours_extra_bytes"] / 2**20 for r in sel], "o-", label="msa (ours): probs scratch")
        ax.plot(Rs, [r["torch_extra_bytes"] / 2**20 for r in sel], "s-", label="softmax+einsum+sigmoid: peak extra")
        ax.set_title(f"forward {tag}: extra device memory, S=64, C=32, H=8")
        ax.set_xlabel("R")
        ax.set_ylabel("MiB")
        ax.set_yscale("log")
        ax.legend()
        ax.grid(True, alpha=0.3)
        fig.tight_layout()
        fig.savefig(os.path.join(out, f"forward_{tag}_memory.png"), dpi=120)


if __name__ == "__main__":
    main()
