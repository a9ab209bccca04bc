#!/usr/bin/env python3
"""Summary of an Nsight Compute raw CSV (ncu --csv --page raw --metrics gpu__time_duration.sum,...): GPU time per
kernel name over all captured launches, its share, launches, and the mean DRAM and SM throughput (% of peak), the
largest first. Usage: python3 bench/ncu_summary.py NCU_RAW.csv [--top 30]"""
import argparse
import csv
import sys
from collections import defaultdict

TIME = "gpu__time_duration.sum"
DRAM = "dram__throughput.avg.pct_of_peak_sustained_elapsed"
SM = "sm__throughput.avg.pct_of_peak_sustained_elapsed"


def number(text):
    try:
        return float(text.replace(",", ""))
    except (AttributeError, ValueError):
        return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("csv")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    with open(args.csv, newline="") as f:
        lines = [line for line in f if line.startswith('"')]  # ncu prints its own "==PROF==" lines too
    rows = list(csv.reader(lines))
    if len(rows) < 3:
        sys.exit(f"{args.csv}: no kernel rows (is it ncu --csv --page raw output?)")
    header, units, data = rows[0], rows[1], rows[2:]
    col = {name: i for i, name in enumerate(header)}
    for needed in ("Kernel Name", TIME):
        if needed not in col:
            sys.exit(f"{args.csv}: no column {needed!r}")
    scale = {"nsecond": 1e-3, "usecond": 1.0, "msecond": 1e3, "second": 1e6}.get(units[col[TIME]], 1.0)
    total = defaultdict(float)
    count = defaultdict(int)
    dram = defaultdict(float)
    sm = defaultdict(float)
    for row in data:
        name = row[col["Kernel Name"]].split("(")[0]
        t = number(row[col[TIME]])
        if t is None:
            continue
        us = t * scale
        total[name] += us
        count[name] += 1
        dram[name] += (number(row[col[DRAM]]) or 0.0) * us if DRAM in col else 0.0
        sm[name] += (number(row[col[SM]]) or 0.0) * us if SM in col else 0.0
    grand = sum(total.values())
    print(f"{len(data)} kernel launches, {grand / 1e3:.1f} ms of GPU time")
    print(f"{'kernel':<60} {'ms':>9} {'share':>6} {'launches':>8} {'us/launch':>9} {'DRAM%':>6} {'SM%':>5}")
    for name in sorted(total, key=total.get, reverse=True)[:args.top]:
        t = total[name]
        print(f"{name[:60]:<60} {t / 1e3:9.2f} {t / grand:6.1%} {count[name]:8d} {t / count[name]:9.1f} "
              f"{dram[name] / t:6.1f} {sm[name] / t:5.1f}")


if __name__ == "__main__":
    main()
