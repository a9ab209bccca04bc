#!/usr/bin/env bash
# The Arrow batch feed against GPU speed: per-trainer capacity (tokens/s) vs the rate a GPT-2-124M trainer on an
# H200 consumes (400k tokens/s, the baseline), and input wait as a share of step time when paced at that rate, for
# 1, 2 and 4 trainers reading at once. Usage: bench/feed.sh [trainers=1,2,4] [steps=120] [gpu tokens/s] [decompose dir]
exec "$(dirname "$0")/run.sh" trainer dev.spindle.trainer.bench.FeedBench "$@"
