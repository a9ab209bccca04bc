#!/usr/bin/env python3
"""An exported Spindle model in transformers vs Spindle's own forward pass, on held-out sequences, in fp32.

1. Spindle's logits: the Java main dev.spindle.trainer.export.bench.LogitsDump loads the checkpoint into the named
   engine (default cuda, in fp32; "reference": Spindle's double-precision reference
   model on the CPU, slow but independent of any engine) and writes tokens.npy + logits.npy for rows
   FIRST..FIRST+COUNT-1 of the bucket of length L of a decompose directory. Java is $JAVA (default: java on PATH),
   the classpath $SPINDLE_CP (trainer classes, test classes and their dependencies); or pass --dump DIR from an
   earlier run.
2. The same rows read here with pyarrow (global row index over the bucket's files in manifest order) must be the rows
   the Java side used.
3. transformers' GPT2LMHeadModel.from_pretrained(EXPORT) in fp32 (TF32 off, eager attention) computes logits for them.
Prints the max |HF - Spindle| / max |HF| per row and overall, the mean absolute difference and the share of positions
where both pick the same next token; PASS when the overall relative error is within --goal (default 1e-3).
Usage: python3 bench/hf_check.py --export DIR --checkpoint DIR --data DECOMPOSE_DIR [--length 1024] [--first 0]
                                 [--count 4] [--engine cuda] [--dump DIR] [--device cuda]
"""
import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from parity_data import manifest_buckets  # noqa: E402


def spindle_logits(args, out_dir):
    java = os.environ.get("JAVA", "java")
    classpath = os.environ.get("SPINDLE_CP")
    if not classpath:
        raise SystemExit("hf_check: set SPINDLE_CP to the trainer jars (classes, test classes, dependencies), "
                         "or pass --dump DIR from an earlier LogitsDump run")
    command = [java, *shlex.split(os.environ.get("JAVA_OPTS", "-Xmx16g")),
               "--add-opens=java.base/java.nio=ALL-UNNAMED", "-cp", classpath,
               "dev.spindle.trainer.export.bench.LogitsDump", "--precision", args.precision,
               "--checkpoint", args.checkpoint, "--data", args.data, "--length", str(args.length),
               "--first", str(args.first), "--count", str(args.count), "--engine", args.engine, "--output", out_dir]
    if args.model:
        command += ["--model", args.model]
    shown = [("$SPINDLE_CP" if c == classpath else c) for c in command]
    print("hf_check: " + " ".join(shlex.quote(c) for c in shown), flush=True)
    subprocess.run(command, check=True)
    return out_dir


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--export", required=True, help="directory spindle export wrote")
    parser.add_argument("--checkpoint", help="the checkpoint exported (step-N or train dir)")
    parser.add_argument("--model", help="model.json, when not beside the checkpoint")
    parser.add_argument("--data", required=True, help="decompose directory with the held-out rows")
    parser.add_argument("--length", type=int, default=1024)
    parser.add_argument("--first", type=int, default=0)
    parser.add_argument("--count", type=int, default=4)
    parser.add_argument("--engine", default="cuda")
    parser.add_argument("--precision", default="fp32", help="CUDA engine precision for the dump (default fp32)")
    parser.add_argument("--dump", help="LogitsDump output to reuse instead of running Java")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--goal", type=float, default=1e-3)
    args = parser.parse_args()

    if args.dump is None:
        if not args.checkpoint:
            raise SystemExit("hf_check: --checkpoint is needed unless --dump is given")
        dump = spindle_logits(args, tempfile.mkdtemp(prefix="spindle-logits-"))
    else:
        dump = args.dump
    with open(os.path.join(dump, "meta.json")) as f:
        meta = json.load(f)
    tokens = np.load(os.path.join(dump, "tokens.npy"))
    spindle = np.load(os.path.join(dump, "logits.npy"), mmap_mode="r")
    length, first, count = meta["length"], meta["first"], meta["count"]

    rows = manifest_buckets(args.data)[length].read(first, count)
    if not np.array_equal(rows, tokens):
        raise SystemExit(f"hf_check: the rows read with pyarrow differ from those Spindle evaluated "
                         f"(bucket {length}, rows {first}..{first + count - 1}): row addressing disagrees")

    from transformers import GPT2LMHeadModel

    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    device = torch.device(args.device)
    model = GPT2LMHeadModel.from_pretrained(args.export, dtype=torch.float32, attn_implementation="eager").to(device)
    model.eval()
    print(f"hf_check: {meta['engine']} ({meta['precision']}) step {meta['step']} vs transformers GPT2LMHeadModel "
          f"({sum(p.numel() for p in model.parameters())} parameters) on {count} rows of length {length}, {device}")
    worst_abs = 0.0
    largest = 0.0
    abs_sum = 0.0
    agree = 0
    with torch.no_grad():
        for i in range(count):
            inputs = torch.from_numpy(rows[i:i + 1, :-1].astype(np.int64)).to(device)
            hf = model(input_ids=inputs).logits[0].float().cpu().numpy()  # (L, V)
            ours = np.asarray(spindle[i], dtype=np.float32)
            diff = np.abs(hf - ours)
            row_worst, row_largest = float(diff.max()), float(np.abs(hf).max())
            worst_abs, largest = max(worst_abs, row_worst), max(largest, row_largest)
            abs_sum += float(diff.mean())
            agree += int((hf.argmax(-1) == ours.argmax(-1)).sum())
            print(f"  row {first + i}: max |diff| {row_worst:.3e}, max |logit| {row_largest:.2f}, "
                  f"relative {row_worst / row_largest:.3e}")
    relative = worst_abs / largest
    ok = relative <= args.goal
    print(f"HF_CHECK {'PASS' if ok else 'FAIL'}: max |HF - Spindle| / max |HF| = {relative:.3e} (goal {args.goal:.0e}), "
          f"mean |diff| {abs_sum / count:.3e}, same argmax at {agree / (count * length):.2%} of positions")
    with open(os.path.join(dump, "hf_check.json"), "w") as f:
        json.dump({"relative": relative, "max_abs": worst_abs, "max_logit": largest, "mean_abs": abs_sum / count,
                   "argmax_agreement": agree / (count * length), "pass": ok, **meta}, f, indent=2)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
