#!/usr/bin/env bash
# On the GPU machine, after bench/gpu_pipeline.sh prep one: the trained-model checks of issue 16 on run 1.
#   hf       run 1's exported model (/tmp/runs/gpu1/export, written by the pipeline's export stage) loaded by
#            transformers' GPT2LMHeadModel in fp32 vs the CUDA engine's fp32 logits on held-out rows of the 1024
#            bucket (the rows run 1's plan holds out), goal 1e-3 relative (bench/hf_check.py)
#   parity   Spindle (CUDA, bf16) and PyTorch train GPT-2-124M from the same initial weights on the same batches of
#            run 1's decompose output for STEPS (300) steps; per-step and validation losses within 1% (bench/parity.sh);
#            then step N's loss and gradient from Spindle's weights before step N in both (PARITY_PROBES, the steps
#            where the 2026-12-05 run drifted: a forward difference or a trajectory one); TORCH_FLAGS (default
#            "--spindle-recipe --recipe-floor") adds replays: PyTorch with Spindle's bf16 rounding points
#            (bench/spindle_recipe.py, cuDNN attention) judged against the same goal, and that recipe with flash
#            attention (its noise floor); --noise-floor (PyTorch eager vs SDPA attention) and --reference-fp32 (PyTorch
#            in fp32) are the earlier runs' extra replays; TOKENS (16384) tokens per step, PARITY_FLAGS more ParityRun
#            flags (e.g. "--lr 3e-4"), output /tmp/parity
#   parity-fp32  the same in fp32 on both sides for STEPS (120) steps, output /tmp/parity-fp32: without bf16
#            rounding the two must agree far closer, unless an update differs
set -uo pipefail
source "$(dirname "$0")/gpu_env.sh"
out=${OUT:-/tmp/out}
mkdir -p "$out"
run=/tmp/runs/gpu1
# run_parity WORK LOGS PROBES [NAME=VALUE...]: bench/parity.sh on run 1's decompose output with those settings; its
# output without the per-step lines in LOGS/parity.log, its plot, losses and summaries copied beside.
run_parity() {
  local work=$1 logs=$2 probes=$3
  shift 3
  rm -rf "$work"
  mkdir -p "$logs"
  env JAVA_OPTS="${SPINDLE_JVM[*]}" "$@" bash bench/parity.sh "$run/decompose" "$work" ${probes:+--probe-steps "$probes"} ${PARITY_FLAGS:-} 2>&1 \
    | grep -v "^step " | tail -60 | tee "$logs/parity.log"
  cp "$work"/parity.png "$work"/*.jsonl "$work"/*.json "$logs/" 2>/dev/null
}
for step in "$@"; do
  echo "=== $step $(date -u +%T)"
  case "$step" in
    hf)
      first=$(python3 -c "import json; p = json.load(open('$run/train/plan.json')); print(next(b['training_sequences'] for b in p['buckets'] if b['length'] == 1024))")
      JAVA_OPTS="${SPINDLE_JVM[*]}" python3 bench/hf_check.py --export "$run/export" --checkpoint "$run/train" \
        --data "$run/decompose" --length 1024 --first "$first" --count 4 --engine cuda 2>&1 | grep -v Warning \
        | tee "$out/hf_check.log"
      ls -la "$run/export" | tee -a "$out/hf_check.log"
      ;;
    parity)
      run_parity /tmp/parity "$out" "${PARITY_PROBES-49,50,51,56,150,277}" STEPS="${STEPS:-300}" TOKENS="${TOKENS:-16384}" \
        TORCH_FLAGS="${TORCH_FLAGS-"--spindle-recipe --recipe-floor"}"
      ;;
    parity-fp32)
      run_parity /tmp/parity-fp32 "$out/fp32" "${FP32_PROBES:-50,51}" STEPS="${FP32_STEPS:-120}" PRECISION=fp32
      ;;
    *) echo "unknown step $step (hf parity parity-fp32)"; exit 2 ;;
  esac
done
