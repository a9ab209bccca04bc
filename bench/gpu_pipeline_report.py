#!/usr/bin/env python3
"""Summarises bench/gpu_pipeline.sh's outputs (OUT dir): train-stage throughput per bucket length against the
engine benchmark of the same run (GpuTrainingBench RESULT lines), input wait and sync as shares of step time,
validation loss per length vs the unigram entropy of the training tokens, replica agreement, resume checksum."""
import json
import os
import re
import sys
from collections import defaultdict

out = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("OUT", "/tmp/out")


def metrics(run):
    path = os.path.join(out, run, "metrics.jsonl")
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


bench = {}
bench_log = os.path.join(out, "engine_bench.log")
if os.path.exists(bench_log):
    for line in open(bench_log):
        m = re.search(r"RESULT .*length=(\d+) .*tokens_per_s=(\d+)", line)
        if m:
            bench[int(m.group(1))] = float(m.group(2))

for run in ("one", "two", "resume"):
    lines = metrics(run)
    if not lines:
        continue
    summary_path = os.path.join(out, run, "summary.json")
    summary = json.load(open(summary_path)) if os.path.exists(summary_path) else {}
    print(f"== {run}: {summary.get('trainers')} trainer(s), collective {summary.get('collective')}, "
          f"{len(lines)} steps logged, replicas agree: {summary.get('replicas_agree')}, "
          f"final checksum {summary.get('final_checksum')}")
    by_length = defaultdict(list)
    seen = set()
    for line in lines:
        length = line["length"]
        if length in seen:  # the first step at each length warms buffers and kernels: left out
            by_length[length].append(line)
        seen.add(length)
    step = sum(l["step_ms"] for l in lines)
    wait = sum(l["input_wait_ms"] for l in lines)
    sync = sum(l["sync_ms"] for l in lines)
    tokens = sum(l["tokens_per_s"] * l["step_ms"] / 1e3 for l in lines)
    print(f"   step time {step / 1e3:.1f} s, {tokens / (step / 1e3):,.0f} tokens/s overall; input wait "
          f"{100 * wait / step:.2f}% and sync {100 * sync / step:.2f}% of step time")
    print("   length  steps  pipeline tok/s  engine bench tok/s  ratio  wait%  sync%")
    for length in sorted(by_length):
        group = by_length[length]
        ms = sum(l["step_ms"] for l in group)
        rate = sum(l["tokens_per_s"] * l["step_ms"] / 1e3 for l in group) / (ms / 1e3)
        w = 100 * sum(l["input_wait_ms"] for l in group) / ms
        s = 100 * sum(l["sync_ms"] for l in group) / ms
        ref = bench.get(length)
        ratio = f"{rate / ref:.3f}" if ref else "-"
        print(f"   {length:6d} {len(group):6d} {rate:15,.0f} {ref or 0:19,.0f} {ratio:>6} {w:6.2f} {s:6.2f}")
    validation = [l for l in lines if "validation_loss" in l]
    if validation:
        first, last = validation[0], validation[-1]
        print(f"   validation loss by length (step {first['step']} -> {last['step']}):")
        for length in sorted(last["validation_loss"], key=int):
            print(f"     {int(length):6d}: {first['validation_loss'][length]:.3f} -> {last['validation_loss'][length]:.3f}")
    report_json = os.path.join(out, run, "report-report.json")
    if os.path.exists(report_json):
        print("   report:", open(report_json).read()[:300])
