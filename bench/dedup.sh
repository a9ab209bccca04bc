#!/usr/bin/env bash
# Dedup benchmark on the shared medium corpus: bench/dedup.sh [speed|quality|incremental|all] [key=value...]
# (default all). quality: pair- and document-level precision/recall/F1 (text-dedup's per-document scoring) on a
# tuning and a held-out sample; speed: 1x and 4x input, phases, live heap; incremental: the corpus in two halves,
# the second deduplicated against the first vs from scratch (time and answers). key=value pairs replace
# spindle.dedup defaults, e.g. verification=signature. Without the corpus (SPINDLE_SHARED/corpus/medium) it skips.
exec "$(dirname "$0")/run.sh" dedup dev.spindle.dedup.bench.DedupBenchmark "$@"
