#!/usr/bin/env bash
# Mixing benchmark on the medium corpus: shares within 0.1 pp per source and phase, every 10% prefix within one document,
# greedy order against a random-order baseline; add --spark for the Spark stage twice + byte comparison.
# Usage: bench/mix.sh [--spark] [conf/mixtures/medium.conf]
exec "$(dirname "$0")/run.sh" mixing dev.spindle.mixing.bench.MixBench "$@"
