#!/usr/bin/env bash
# Dedup benchmark on the shared medium corpus: bench/dedup.sh [speed|quality|all] (default all).
exec "$(dirname "$0")/run.sh" dedup dev.spindle.dedup.bench.DedupBenchmark "$@"
