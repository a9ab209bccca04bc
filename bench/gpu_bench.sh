#!/usr/bin/env bash
# CUDA engine training throughput (GPT-2-124M-like) on this machine's GPU; prints SKIP without one.
# Args: [bf16|fp32] [tokensPerStep] [steps] [lengths]. On the GPU machine (no Maven) use bench/gpu_check.sh instead,
# after bench/gpu_package.sh. Add -Dspindle.cuda.profile=true via JAVA_TOOL_OPTIONS for a per-category breakdown.
exec "$(dirname "$0")/run.sh" trainer dev.spindle.trainer.cuda.bench.GpuTrainingBench "$@"
