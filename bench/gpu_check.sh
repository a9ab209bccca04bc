#!/usr/bin/env bash
# On the GPU machine, from the repository root, after bench/gpu_setup.sh: the CUDA engine's JUnit suite, the CUDA
# training benchmark beside the PyTorch reference, profiles and one-epoch timings, logging under $OUT.
# Usage: bash bench/gpu_check.sh [tests|bench|all|cuda|profile|epoch] [tokensPerStep] [steps] [lengths] [cudaLengths]
# (cuda: our engine only, no PyTorch; profile: our engine with a per-category GPU time breakdown, slower steps;
#  epoch: one whole epoch per layout of shared/corpus/medium, DD vs concat-chunk at 8192, see below)
set -uo pipefail
source "$(dirname "$0")/gpu_env.sh"
what=${1:-all}
tokens=${2:-16384}
steps=${3:-10}
lengths=${4:-1024,8192}
cuda_lengths=${5:-$lengths}  # the CUDA bench may sweep more bucket lengths than the (slower to compile) reference
out=${OUT:-/tmp/out}
mkdir -p "$out"
java=("$JAVA" "${SPINDLE_JVM[@]}" -cp "$SPINDLE_CP")
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$out/device.txt"
date -u | tee -a "$out/device.txt"
if [ "$what" = tests ] || [ "$what" = all ]; then
  "${java[@]}" dev.spindle.trainer.cuda.bench.GpuTestRunner 2>&1 | tee "$out/tests.log"
  echo "tests exit: ${PIPESTATUS[0]}"
fi
if [ "$what" = profile ]; then
  "${java[@]}" -Dspindle.cuda.profile=true dev.spindle.trainer.cuda.bench.GpuTrainingBench bf16 "$tokens" "$steps" \
    "$cuda_lengths" 2>&1 | tee "$out/cuda_profile.log"
fi
if [ "$what" = epoch ]; then
  # Bucket histograms of shared/corpus/medium (30.7M tokens) from bench/decompose.sh cl100k medium
  # (bench/results/decompose.md): DD 256..8192 and concat-chunk 8192 of the same documents.
  layouts=${EPOCH_LAYOUTS:-"dd=256:6271,512:5418,1024:5298,2048:2659,4096:1155,8192:1002;concat8192=8192:3748"}
  "${java[@]}" dev.spindle.trainer.cuda.bench.GpuEpochBench bf16 "$tokens" "$layouts" 2>&1 | tee "$out/epoch.log"
fi
if [ "$what" = cuda ]; then
  "${java[@]}" dev.spindle.trainer.cuda.bench.GpuTrainingBench bf16 "$tokens" "$steps" "$cuda_lengths" 2>&1 | tee "$out/cuda_bench.log"
fi
if [ "$what" = bench ] || [ "$what" = all ]; then
  "${java[@]}" dev.spindle.trainer.cuda.bench.GpuTrainingBench bf16 "$tokens" "$steps" "$cuda_lengths" 2>&1 | tee "$out/cuda_bench.log"
  PYTHONUNBUFFERED=1 python3 bench/torch_reference.py --tokens "$tokens" --steps "$steps" --lengths "$lengths" \
    --java "$out/cuda_bench.log" 2>&1 | grep -v Warning | tee "$out/torch_bench.log"
fi
