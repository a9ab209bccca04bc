#!/usr/bin/env bash
# RegMix on a synthetic 7-source quadratic loss surface: recovered optimum vs truth, against best-of-proxies.
# Usage: bench/mix-regmix.sh [runs] [noise]
exec "$(dirname "$0")/run.sh" mixing dev.spindle.mixing.bench.RegMixBench "$@"
