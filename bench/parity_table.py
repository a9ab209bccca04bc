#!/usr/bin/env python3
"""Every pair of training runs in parity directories, side by side: how far Spindle is from each PyTorch replay next
to how far the PyTorch replays are from each other (the bf16 noise floor of the same trajectory).

Input: directories bench/parity.sh wrote (spindle_loss.jsonl and the torch_*loss.jsonl of parity_torch.py's replays:
autocast, Spindle's recipe with cuDNN attention, the recipe with flash attention, eager, fp32). Per pair: largest
per-step relative difference (and its step), mean, 95th percentile, signed mean, steps above the goal; then the
final validation losses' largest relative difference where both runs saved them.
Usage: python3 bench/parity_table.py [--goal 0.01] DIR [DIR ...]
"""
import argparse
import itertools
import json
import os

import numpy as np

RUNS = [("Spindle", "spindle_loss.jsonl", "spindle_validation.json"),
        ("PyTorch autocast", "torch_loss.jsonl", "torch_validation.json"),
        ("PyTorch recipe cuDNN", "torch_recipe_loss.jsonl", "torch_recipe_validation.json"),
        ("PyTorch recipe flash", "torch_recipe_flash_loss.jsonl", None),
        ("PyTorch autocast eager", "torch_eager_loss.jsonl", None),
        ("PyTorch fp32", "torch_fp32_loss.jsonl", None)]


def losses(path):
    with open(path) as f:
        return np.array([json.loads(line)["loss"] for line in f if line.strip()])


def validation(path):
    if path is None or not os.path.exists(path):
        return None
    with open(path) as f:
        return {k: float(v) for k, v in json.load(f).items()}


def pair_row(name, ours, theirs, goal, val_ours, val_theirs):
    n = min(len(ours), len(theirs))
    signed = (ours[:n] - theirs[:n]) / np.abs(theirs[:n])
    relative = np.abs(signed)
    row = (f"| {name} | {n} | {relative.max():.2%} ({int(relative.argmax())}) | {relative.mean():.2%} | "
           f"{np.percentile(relative, 95):.2%} | {signed.mean():+.2%} | {int((relative > goal).sum())} |")
    if val_ours and val_theirs:
        common = [k for k in val_theirs if k in val_ours]
        row += f" {max(abs(val_ours[k] - val_theirs[k]) / abs(val_theirs[k]) for k in common):.2%} |"
    else:
        row += " |"
    return row


def table(directory, goal):
    with open(os.path.join(directory, "run.json")) as f:
        run = json.load(f)
    present = [(label, losses(os.path.join(directory, file)), validation(val and os.path.join(directory, val)))
               for label, file, val in RUNS if os.path.exists(os.path.join(directory, file))]
    optimizer = run["optimizer"]
    print(f"\n{directory}: {run['steps']} steps x {run['tokens_per_step']} tokens, {run.get('precision')}, lr "
          f"{optimizer['learning_rate']}, warmup {optimizer['warmup_steps']}, {run['curriculum']}")
    print("| pair | steps | max (step) | mean | p95 | signed mean | steps > %s | validation max |" % f"{goal:.0%}")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for (a, la, va), (b, lb, vb) in itertools.combinations(present, 2):
        print(pair_row(f"{a} vs {b}", la, lb, goal, va, vb))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--goal", type=float, default=0.01)
    parser.add_argument("directories", nargs="+")
    args = parser.parse_args()
    for directory in args.directories:
        table(directory, args.goal)


if __name__ == "__main__":
    main()
