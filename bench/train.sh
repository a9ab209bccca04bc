#!/usr/bin/env bash
# Training loop in local mode: input wait and sync overhead (% of step time) for 1, 2 and 4 trainers, and the
# cost of one all-reduce of 1.5M floats in-process and over the TCP ring. Usage: bench/train.sh [steps] [tokens-per-step]
exec "$(dirname "$0")/run.sh" trainer dev.spindle.trainer.bench.TrainBench "$@"
