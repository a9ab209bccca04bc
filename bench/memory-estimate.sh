#!/usr/bin/env bash
# The train stage's memory estimate against what the DL4J engine really takes (peak physical memory of two
# training steps per shape): the estimate must be an upper bound, so a run it lets through cannot die later of an
# out-of-memory error. Prints one row per shape and the worst measured/estimate ratio (goal <= 1).
# Usage: bench/memory-estimate.sh [layers,dModel,heads,vocabulary,length,batch ...]
exec "$(dirname "$0")/run.sh" trainer dev.spindle.trainer.bench.MemoryEstimateProbe "$@"
