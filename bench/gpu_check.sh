#!/usr/bin/env bash
# On the GPU machine, from the folder gpu_package.sh filled (carried as .gpu): runs the CUDA engine's JUnit suite,
# the CUDA training benchmark and the PyTorch reference side by side, logging everything under $OUT.
# Usage: bash .gpu/gpu_check.sh [tests|bench|all|cuda|profile] [tokensPerStep] [steps] [lengths] [cudaLengths]
# (cuda: our engine only, no PyTorch; profile: our engine with a per-category GPU time breakdown, slower steps;
#  epoch: one whole epoch per layout of shared/corpus/medium, DD vs concat-chunk at 8192, see below)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
what=${1:-all}
tokens=${2:-16384}
steps=${3:-10}
lengths=${4:-1024,8192}
cuda_lengths=${5:-$lengths}  # the CUDA bench may sweep more bucket lengths than the (slower to compile) reference
out=${OUT:-/tmp/out}
mkdir -p "$out"
[ -x /tmp/spindle-jre/bin/java ] || tar -C /tmp -xJf "$here/jre.txz"
export LD_LIBRARY_PATH=/usr/local/cuda-13.0/targets/x86_64-linux/lib:/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}
export NCCL_NVLS_ENABLE=0
java=(/tmp/spindle-jre/bin/java -Xmx16g -cp "$here/lib/*")
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
  PYTHONUNBUFFERED=1 python3 "$here/torch_reference.py" --tokens "$tokens" --steps "$steps" --lengths "$lengths" \
    --java "$out/cuda_bench.log" 2>&1 | grep -v Warning | tee "$out/torch_bench.log"
fi
