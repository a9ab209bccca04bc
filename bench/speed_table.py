#!/usr/bin/env python3
"""Tables from bench/gpu_speed.sh's logs. speed_bench.log -> tokens/s per (tokens per step, length): the earlier
engine, this one, PyTorch eager and torch.compile, ratios and MFU. speed_profile.log -> ms per step per category,
before and after, per shape. Usage: python3 bench/speed_table.py OUT_DIR"""
import os
import re
import sys
from collections import defaultdict

FIELD = re.compile(r"([\w-]+)=(\S+)")


def fields(line):
    return dict(FIELD.findall(line))


def bench_table(path):
    rows = defaultdict(dict)  # (tokens, length) -> side -> (tokens/s, mfu)
    for line in open(path):
        side = None
        if line.startswith(("before RESULT", "after RESULT", "after-")) and " RESULT " in line + " ":
            side = line.split()[0]
        elif line.startswith("RESULT engine=torch-"):
            side = fields(line)["engine"].replace("torch-", "torch ")
        if side is None:
            continue
        f = fields(line)
        length, batch = int(f["length"]), int(f["batch"])
        rows[(length * batch, length)][side] = (float(f["tokens_per_s"]), float(f["mfu"]))
    # other "after-X" sides: the current engine with another option (gpu_speed.sh ATTENTIONS), own columns
    extra = sorted({side for sides in rows.values() for side in sides if side.startswith("after-")})
    print("| tokens/step | length | before | after | after/before | torch eager | torch.compile | after/compiled "
          "| after MFU |" + "".join(f" {side} | {side}/compiled |" for side in extra))
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|" + "---:|---:|" * len(extra))
    for (tokens, length), sides in sorted(rows.items()):
        def tps(side):
            return sides[side][0] if side in sides else float("nan")
        after = tps("after")
        print(f"| {tokens:,} | {length} | {tps('before'):,.0f} | {after:,.0f} | {after / tps('before'):.3f} "
              f"| {tps('torch eager'):,.0f} | {tps('torch compile'):,.0f} | {after / tps('torch compile'):.2f} "
              f"| {100 * sides.get('after', (0, float('nan')))[1]:.1f}% |"
              + "".join(f" {tps(side):,.0f} | {tps(side) / tps('torch compile'):.2f} |" for side in extra))


def profile_table(path):
    shapes = defaultdict(dict)  # (tokens, length) -> side -> {category: ms}
    results = {}
    pending = {}
    for line in open(path):
        parts = line.split()
        if len(parts) < 2:
            continue
        side = parts[0]
        if parts[1] == "PROFILE":
            length = int(fields(line)["length"])
            categories = {k: float(v) for k, v in FIELD.findall(line.split("ms/step:")[1])}
            pending[side] = (length, categories)
        elif parts[1] == "RESULT" and side in pending:
            f = fields(line)
            length, categories = pending.pop(side)
            key = (int(f["batch"]) * length, length)
            shapes[key][side] = categories
            results[(key, side)] = float(f["step_ms"])
    for key, sides in sorted(shapes.items()):
        tokens, length = key
        names = sorted(set().union(*[set(c) for c in sides.values()]),
                       key=lambda n: -max(c.get(n, 0) for c in sides.values()))
        print(f"\n{tokens:,} tokens/step, length {length} (ms per step, every op synchronised):\n")
        print("| category | before | after |")
        print("|---|---:|---:|")
        for name in names:
            cells = [f"{sides[s][name]:.1f}" if name in sides.get(s, {}) else "-" for s in ("before", "after")]
            print(f"| {name} | {cells[0]} | {cells[1]} |")
        totals = [sum(sides[s].values()) if s in sides else float("nan") for s in ("before", "after")]
        print(f"| sum | {totals[0]:.1f} | {totals[1]:.1f} |")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    bench = os.path.join(out, "speed_bench.log")
    profile = os.path.join(out, "speed_profile.log")
    if os.path.exists(bench):
        bench_table(bench)
    if os.path.exists(profile):
        profile_table(profile)


if __name__ == "__main__":
    main()
