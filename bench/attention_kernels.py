#!/usr/bin/env python3
"""The tensor-core attention kernels alone, on the GPU machine, beside PyTorch's own attention (issue 17).

Compiles trainer/src/main/resources/cuda/attention_tc.cu the way the engine does (common.cuh prepended, NVRTC,
HEAD_SIZE defined), through CuPy, so kernel variants can be checked and timed without Java. For each variant
(`--variant NAME=DEFINE,DEFINE...`, the engine's defaults when none is given):

  check  out, lse and dq/dk/dv against an fp32 PyTorch reference on small shapes with partial tiles (head sizes
         32 and 64); bf16 PyTorch SDPA's error on the same inputs is printed beside as the yardstick
  time   forward and backward (delta + key/value + query kernels) at the bench shapes, median of CUDA-event timed
         repeats, against torch SDPA (default backend choice, and each backend that runs) on the same tensors

Prints one line per measurement: `ATTN variant=... shape=BxT dir=fwd|bwd ms=... tflops=...` (FLOPs counted as
FlashAttention does: causal forward 2 products over half the pairs, backward 2.5 times that) and a short table.
"""
import argparse
import math
import os
import sys

import cupy
import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
CUDA_DIR = os.path.join(ROOT, "trainer", "src", "main", "resources", "cuda")


def source(file):
    return (open(os.path.join(CUDA_DIR, "common.cuh")).read() + '\n#line 1 "' + file + '"\n'
            + open(os.path.join(CUDA_DIR, file)).read())


class Kernels:
    """One compiled variant: the launcher's grid and block rules, as TensorCoreAttentionKernels applies them."""

    def __init__(self, head_size, defines):
        major, minor = torch.cuda.get_device_capability()
        arch = f"sm_{major}{minor}"
        options = ("--std=c++17", f"--gpu-architecture={arch}", f"-DHEAD_SIZE={head_size}") + tuple(
            "-D" + d for d in defines)
        module = cupy.RawModule(code=source("attention_tc.cu"), options=options, backend="nvrtc")
        self.forward_kernel = module.get_function("attention_tc_forward")
        self.delta_kernel = module.get_function("attention_tc_delta")
        self.key_value_kernel = module.get_function("attention_tc_backward_key_value")
        self.query_kernel = module.get_function("attention_tc_backward_query")
        values = dict(d.split("=") for d in defines if "=" in d)
        # rows per block; the defaults are the kernel file's (16 rows a warp)
        self.forward_rows = 16 * int(values.get("FWD_WARPS", 8))
        self.query_rows = 16 * int(values.get("QUERY_WARPS", 4))
        self.key_rows = 16 * int(values.get("BWD_WARPS", 4))

    def forward(self, out, lse, qkv, b, t, h):
        grid = ((t + self.forward_rows - 1) // self.forward_rows, b * h)
        self.forward_kernel(grid, (2 * self.forward_rows,), (ptr(out), ptr(lse), ptr(qkv), *ints(b, t, h)))

    def backward(self, dqkv, delta, dout, qkv, out, lse, b, t, h):
        total = b * h * t
        self.delta_kernel(((total + 255) // 256,), (256,), (ptr(delta), ptr(dout), ptr(out), *ints(b, t, h)))
        args = (ptr(dqkv), ptr(dout), ptr(qkv), ptr(lse), ptr(delta), *ints(b, t, h))
        self.key_value_kernel(((t + self.key_rows - 1) // self.key_rows, b * h), (2 * self.key_rows,), args)
        self.query_kernel(((t + self.query_rows - 1) // self.query_rows, b * h), (2 * self.query_rows,), args)


def ptr(tensor):
    return cupy.uint64(tensor.data_ptr())


def ints(*values):
    return tuple(np.int32(v) for v in values)


def split_heads(qkv, h):
    """(B, T, 3C) -> q, k, v as (B, H, T, HS) views."""
    b, t, c3 = qkv.shape
    hs = c3 // 3 // h
    return qkv.view(b, t, 3, h, hs).permute(2, 0, 3, 1, 4).unbind(0)


def reference(qkv, dout, h):
    """fp32 causal attention and its gradients: out (B, T, C), lse (B, H, T), dqkv (B, T, 3C)."""
    x = qkv.float().requires_grad_(True)
    q, k, v = split_heads(x, h)
    t, hs = q.shape[2], q.shape[3]
    scores = (q @ k.transpose(-1, -2)) / math.sqrt(hs)
    scores = scores.masked_fill(torch.ones(t, t, dtype=torch.bool, device=qkv.device).triu(1), float("-inf"))
    lse = torch.logsumexp(scores, dim=-1)
    out = (torch.softmax(scores, dim=-1) @ v).transpose(1, 2).reshape(qkv.shape[0], t, -1)
    (dqkv,) = torch.autograd.grad(out, x, dout.float())
    return out.detach(), lse.detach(), dqkv


def sdpa(qkv, h, backend=None):
    q, k, v = split_heads(qkv, h)
    if backend is None:
        o = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    else:
        with torch.nn.attention.sdpa_kernel(backend):
            o = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    return o.transpose(1, 2).reshape(qkv.shape[0], qkv.shape[1], -1)


def relative(a, b):
    return ((a.float() - b.float()).norm() / b.float().norm()).item()


def inputs(b, t, h, hs, seed):
    generator = torch.Generator(device="cuda").manual_seed(seed)
    qkv = torch.randn(b, t, 3 * h * hs, device="cuda", generator=generator).to(torch.bfloat16)
    dout = torch.randn(b, t, h * hs, device="cuda", generator=generator).to(torch.bfloat16)
    return qkv, dout


def run(kernels, qkv, dout, h):
    b, t, c3 = qkv.shape
    c = c3 // 3
    nan = float("nan")
    out = torch.full((b, t, c), nan, dtype=torch.bfloat16, device="cuda")  # poisoned: every element is written
    lse = torch.full((b, h, t), nan, device="cuda")
    dqkv = torch.full_like(qkv, nan)
    delta = torch.full((b, h, t), nan, device="cuda")
    kernels.forward(out, lse, qkv, b, t, h)
    kernels.backward(dqkv, delta, dout, qkv, out, lse, b, t, h)
    torch.cuda.synchronize()
    return out, lse, dqkv


def check(name, defines):
    """Prints a CHECK line per shape; returns the failed ones ("hs=64 2x200x3: dq,dk"), empty when all pass."""
    failures = []
    for hs, shapes in ((64, ((2, 200, 3), (1, 1000, 2), (3, 64, 1))), (32, ((2, 333, 2),))):
        kernels = Kernels(hs, defines)
        for b, t, h in shapes:
            qkv, dout = inputs(b, t, h, hs, seed=b * 1000 + t + hs)
            out, lse, dqkv = run(kernels, qkv, dout, h)
            ref_out, ref_lse, ref_dqkv = reference(qkv, dout, h)
            c = h * hs
            errors = {"out": relative(out, ref_out), "lse": relative(lse, ref_lse),
                      "dq": relative(dqkv[..., :c], ref_dqkv[..., :c]),
                      "dk": relative(dqkv[..., c:2 * c], ref_dqkv[..., c:2 * c]),
                      "dv": relative(dqkv[..., 2 * c:], ref_dqkv[..., 2 * c:])}
            x = qkv.detach().clone().requires_grad_(True)
            o = sdpa(x, h)
            (torch_dqkv,) = torch.autograd.grad(o, x, dout)
            yardstick = {"out": relative(o, ref_out), "dq": relative(torch_dqkv[..., :c], ref_dqkv[..., :c])}
            bad = [k for k, e in errors.items() if not (e < 2e-2)]  # nan fails too
            status = "ok" if not bad else "FAIL " + ",".join(bad)
            print(f"CHECK variant={name} hs={hs} shape={b}x{t}x{h} " + " ".join(
                f"{k}={e:.2e}" for k, e in errors.items()) + f" | torch-bf16 out={yardstick['out']:.2e} "
                f"dq={yardstick['dq']:.2e} {status}", flush=True)
            if bad:
                failures.append(f"hs={hs} {b}x{t}x{h}: {','.join(bad)}")
    return failures


def median_ms(fn, repeats):
    for _ in range(3):
        fn()
    times = []
    for _ in range(repeats):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    return float(np.median(times))


def flops(b, t, h, hs, direction):
    forward = 4.0 * b * h * hs * t * t / 2  # two products over the causal half
    return forward if direction == "fwd" else 2.5 * forward


def report(variant, b, t, h, hs, direction, ms, table):
    tflops = flops(b, t, h, hs, direction) / ms / 1e9
    print(f"ATTN variant={variant} shape={b}x{t} dir={direction} ms={ms:.3f} tflops={tflops:.1f}", flush=True)
    table.setdefault((b, t, direction), {})[variant] = ms


def time_torch(b, t, h, hs, repeats, table):
    qkv, dout = inputs(b, t, h, hs, seed=7)
    backends = [("torch", None)]
    for label in ("FLASH_ATTENTION", "CUDNN_ATTENTION", "EFFICIENT_ATTENTION"):
        backends.append(("torch-" + label.split("_")[0].lower(), getattr(torch.nn.attention.SDPBackend, label)))
    for label, backend in backends:
        try:
            x = qkv.detach().clone().requires_grad_(True)
            out = sdpa(x, h, backend)
            torch.autograd.grad(out, x, dout)
        except RuntimeError as e:
            print(f"ATTN variant={label} shape={b}x{t} unavailable: {str(e).splitlines()[0][:120]}")
            continue
        with torch.no_grad():
            report(label, b, t, h, hs, "fwd", median_ms(lambda: sdpa(qkv, h, backend), repeats), table)
        x = qkv.detach().clone().requires_grad_(True)
        out = sdpa(x, h, backend)
        report(label, b, t, h, hs, "bwd", median_ms(
            lambda: torch.autograd.grad(out, x, dout, retain_graph=True), repeats), table)


def time_variant(name, defines, b, t, h, hs, repeats, table):
    kernels = Kernels(hs, defines)
    qkv, dout = inputs(b, t, h, hs, seed=7)
    out, lse, dqkv = run(kernels, qkv, dout, h)
    delta = torch.empty(b, h, t, device="cuda")
    report(name, b, t, h, hs, "fwd", median_ms(lambda: kernels.forward(out, lse, qkv, b, t, h), repeats), table)
    report(name, b, t, h, hs, "bwd", median_ms(
        lambda: kernels.backward(dqkv, delta, dout, qkv, out, lse, b, t, h), repeats), table)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--variant", action="append", default=[],
                        help="NAME=DEFINE,DEFINE (e.g. narrow=FWD_WARPS=4); "
                             "the engine's kernels as shipped are always measured")
    parser.add_argument("--shapes", default="2x8192,16x1024", help="BxT list at 12 heads of 64 (default %(default)s)")
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--skip-check", action="store_true")
    args = parser.parse_args()
    variants = [("shipped", [])]
    for spec in args.variant:
        name, _, defines = spec.partition("=")
        variants.append((name, [d for d in defines.split(",") if d]))
    print(f"device: {torch.cuda.get_device_name()}, torch {torch.__version__}, cupy {cupy.__version__}")
    failed = {}  # variant -> what failed; such a variant is not timed
    if not args.skip_check:
        for name, defines in variants:
            try:
                failures = check(name, defines)
            except Exception as e:  # a variant that does not compile or launch is reported, the others still run
                print(f"CHECK variant={name} ERROR {type(e).__name__}: {str(e).splitlines()[0][:300]}", flush=True)
                failures = [type(e).__name__]
            if failures:
                failed[name] = failures
    table = {}
    shapes = [tuple(int(x) for x in s.split("x")) for s in args.shapes.split(",")]
    for b, t in shapes:
        time_torch(b, t, 12, 64, args.repeats, table)
        for name, defines in variants:
            if name not in failed:
                time_variant(name, defines, b, t, 12, 64, args.repeats, table)
    names = sorted({v for r in table.values() for v in r})
    print("\nshape      dir   " + "  ".join(f"{v:>14}" for v in names))
    for (b, t, direction), row in table.items():
        print(f"{b}x{t:<7} {direction}  " + "  ".join(
            f"{row[v]:>11.3f} ms" if v in row else f"{'-':>14}" for v in names))
    if failed:
        print("FAILED: " + "; ".join(f"{name} {', '.join(f)}" for name, f in failed.items()))
        sys.exit(1)


if __name__ == "__main__":
    main()
