#!/usr/bin/env python3
"""DD vs concat-chunk: time to the same validation loss, from the two train directories of bench/dd_time_to_loss.sh.

Reads each arm's metrics.jsonl: `step`, `train_seconds` (cumulative step time without validation and checkpoints;
older trainers without it: the running sum of `step_ms`) and `validation_loss` {length: loss} at every validation pass.
The target metric is the mean of the validation losses over the lengths both arms were evaluated at (each length
weighted equally, so 8192 counts as much as 256); `--target-length L` uses one length instead. The common target is
the worse of the two final values, which both arms reach; each arm's time to it is interpolated linearly between the
validation passes around the crossing. Prints one table and writes a loss-vs-time PNG with both curves.
Usage: python3 bench/dd_summary.py --dd OUT/dd --concat OUT/concat [--plot FILE] [--target-length L]
"""
import argparse
import json
import os
import sys


def read_arm(directory):
    """(points, tokens_per_step): points = [(step, seconds, {length: loss})] at each validation pass."""
    points = []
    seconds = 0.0
    tokens_per_step = None
    for name in ("plan.json", "summary.json"):
        path = os.path.join(directory, name)
        if tokens_per_step is None and os.path.exists(path):
            with open(path) as f:
                tokens_per_step = json.load(f).get("tokens_per_step")
    with open(os.path.join(directory, "metrics.jsonl")) as f:
        for line in f:
            if not line.strip():
                continue
            m = json.loads(line)
            if "step" not in m:
                continue
            seconds = m["train_seconds"] if "train_seconds" in m else seconds + m.get("step_ms", 0.0) / 1e3
            if "validation_loss" in m:
                losses = {int(k): float(v) for k, v in m["validation_loss"].items()}
                points.append((int(m["step"]), seconds, losses))
    if not points:
        raise SystemExit(f"{directory}/metrics.jsonl has no validation passes (set train.validate-every)")
    return points, tokens_per_step


def metric(losses, lengths, target_length):
    if target_length is not None:
        return losses[target_length]
    return sum(losses[length] for length in lengths) / len(lengths)


def time_to(points, values, target):
    """First time the metric reaches `target`, linearly interpolated between validation passes; None if never."""
    previous = None
    for (step, seconds, _), value in zip(points, values):
        if value <= target:
            if previous is None or previous[1] == value:
                return seconds, step
            before_seconds, before_value, before_step = previous
            fraction = (before_value - target) / (before_value - value)
            return before_seconds + fraction * (seconds - before_seconds), step
        previous = (seconds, value, step)
    return None, None


def summarize(arms, target_length=None):
    lengths = sorted(set.intersection(*(set(points[-1][2]) for points, _ in arms.values())))
    if not lengths:
        raise SystemExit("the arms share no validation length")
    if target_length is not None and target_length not in lengths:
        raise SystemExit(f"--target-length {target_length} not among the shared lengths {lengths}")
    curves = {name: [metric(p[2], lengths, target_length) for p in points] for name, (points, _) in arms.items()}
    target = max(curve[-1] for curve in curves.values())
    rows = {}
    for name, (points, tokens_per_step) in arms.items():
        seconds, step = time_to(points, curves[name], target)
        last = points[-1]
        rows[name] = {"steps": last[0] + 1, "tokens": (last[0] + 1) * tokens_per_step if tokens_per_step else None,
                      "train_seconds": last[1], "final": curves[name][-1], "time_to_target": seconds,
                      "step_at_target": step, "final_by_length": last[2]}
    return {"lengths": lengths, "target": target, "target_length": target_length, "curves": curves, "rows": rows}


def print_table(result):
    lengths = result["lengths"]
    what = f"loss at {result['target_length']}" if result["target_length"] else f"mean loss over {lengths}"
    print(f"common target: {result['target']:.4f} ({what}; the worse arm's final value)")
    short = [length for length in lengths if length != max(lengths)]
    header = ["arm", "steps", "tokens", "train s", "time to target s", "final"] + [f"val@{n}" for n in lengths]
    print(" | ".join(header))
    print(" | ".join("---" for _ in header))
    for name, row in result["rows"].items():
        cells = [name, str(row["steps"]), f"{row['tokens']:,}" if row["tokens"] else "?", f"{row['train_seconds']:.1f}",
                 f"{row['time_to_target']:.1f} (step {row['step_at_target']})" if row["time_to_target"] is not None
                 else "not reached", f"{row['final']:.4f}"]
        cells += [f"{row['final_by_length'][n]:.4f}" for n in lengths]
        print(" | ".join(cells))
    dd, concat = result["rows"].get("dd"), result["rows"].get("concat")
    if dd and concat and dd["time_to_target"] and concat["time_to_target"]:
        print(f"time to target: concat-chunk / DD = {concat['time_to_target'] / dd['time_to_target']:.2f}x "
              f"(> 1: DD reaches the common loss sooner); short lengths {short} vs {max(lengths)} listed above")


def plot(path, arms, result):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8))
    longest = max(result["lengths"])
    for name, (points, _) in arms.items():
        seconds = [p[1] for p in points]
        left.plot(seconds, result["curves"][name], marker="o", markersize=3, label=name)
        right.plot(seconds, [p[2][longest] for p in points], marker="o", markersize=3, label=name)
    left.axhline(result["target"], color="gray", linestyle=":", label=f"common target {result['target']:.3f}")
    for name, row in result["rows"].items():
        if row["time_to_target"] is not None:
            left.axvline(row["time_to_target"], color="gray", linewidth=0.6)
    left.set_title("validation loss " + (f"at {result['target_length']}" if result["target_length"]
                                         else "(mean over lengths)"))
    right.set_title(f"validation loss at {longest}")
    for axis in (left, right):
        axis.set_xlabel("training time (s, without validation)")
        axis.set_ylabel("nats per token")
        axis.grid(alpha=0.3)
        axis.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dd", required=True)
    parser.add_argument("--concat", required=True)
    parser.add_argument("--plot")
    parser.add_argument("--target-length", type=int)
    args = parser.parse_args()
    arms = {"dd": read_arm(args.dd), "concat": read_arm(args.concat)}
    result = summarize(arms, args.target_length)
    print_table(result)
    if args.plot:
        plot(args.plot, arms, result)
        print(f"plot: {args.plot}")
    with open(os.path.join(os.path.dirname(os.path.abspath(args.dd)), "dd_summary.json"), "w") as f:
        json.dump({k: v for k, v in result.items() if k != "curves"}, f, indent=2, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
