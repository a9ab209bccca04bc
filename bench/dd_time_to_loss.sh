#!/usr/bin/env bash
# Dataset Decomposition vs concat-chunk, measured as wall-clock training time to the same validation loss (GPU machine).
# Both arms train GPT-2-124M (12 layers, d 768, 12 heads; vocabulary from the r50k decompose runs) through the train
# stage with the same tokens per step, steps and learning-rate schedule; DD with the grow-p2 curriculum over buckets
# 256..8192, concat-chunk on its single 8192 bucket. Both validate on the same held-out sequences: a DD decompose
# (256..8192) of documents that neither arm trains on (train.validation-data), so the loss is measured at 8192 and at
# the shorter lengths alike. Time is the trainer's train_seconds (step time without validation and checkpoints).
#
#   bash bench/dd_time_to_loss.sh train dd DD_DECOMPOSE_DIR VALIDATION_DIR OUT      # one arm per call (<10 min)
#   bash bench/dd_time_to_loss.sh train concat CONCAT_DECOMPOSE_DIR VALIDATION_DIR OUT
#   bash bench/dd_time_to_loss.sh summary OUT                                      # table + OUT/dd_time_to_loss.png
#   bash bench/dd_time_to_loss.sh all DD_DIR CONCAT_DIR VALIDATION_DIR OUT          # both arms, then the summary
#
# Environment: SPINDLE_CP (required: the pipeline jars with Spark and the trainer), JAVA (java), JAVA_OPTS (-Xmx48g),
# STEPS (600), TOKENS_PER_STEP (65536 = 8 x 8192), LR (6e-4), WARMUP (60), VALIDATE_EVERY (50),
# VALIDATION_SEQUENCES (16 per length), SEED (1234), PYTHON (python3), CURRICULUM (the DD arm's: grow-p2; natural
# gives each bucket steps in proportion to its tokens, so no bucket repeats); ENGINE, LAYERS, D_MODEL, HEADS only
# to try the script on a CPU with a tiny model (defaults cuda, 12, 768, 12). The token budget is STEPS x
# TOKENS_PER_STEP.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
usage() { sed -n '2,19p' "$0"; exit 2; }
[ $# -ge 1 ] || usage

train_arm() {  # arm data validation out
  local arm=$1 data=$2 validation=$3 out=$4 curriculum
  case "$arm" in
    dd) curriculum=${CURRICULUM:-grow-p2} ;;
    concat) curriculum=uniform ;;  # one bucket: every curriculum gives the same plan
    *) echo "unknown arm '$arm' (expected dd or concat)"; exit 2 ;;
  esac
  : "${SPINDLE_CP:?set SPINDLE_CP to the pipeline jars}"
  mkdir -p "$out"
  local cuda_libs=/usr/local/cuda-13.0/targets/x86_64-linux/lib:/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}
  # shellcheck disable=SC2086
  LD_LIBRARY_PATH=$cuda_libs NCCL_NVLS_ENABLE=0 "${JAVA:-java}" ${JAVA_OPTS:--Xmx48g} --add-opens=java.base/java.nio=ALL-UNNAMED -cp "$SPINDLE_CP" \
    dev.spindle.pipeline.Main train --data "$data" --output "$out/$arm" --engine "${ENGINE:-cuda}" --trainers 1 \
    --steps "${STEPS:-600}" --tokens-per-step "${TOKENS_PER_STEP:-65536}" --curriculum "$curriculum" \
    --set train.validation-data="$validation" --set train.validation-sequences="${VALIDATION_SEQUENCES:-16}" \
    --set train.validate-every="${VALIDATE_EVERY:-50}" --set train.checkpoint-every=0 --set train.seed="${SEED:-1234}" \
    --set train.model.layers="${LAYERS:-12}" --set train.model.d-model="${D_MODEL:-768}" \
    --set train.model.heads="${HEADS:-12}" \
    --set train.model.tied-head=true --set train.optimizer.learning-rate="${LR:-6e-4}" \
    --set train.optimizer.warmup-steps="${WARMUP:-60}" 2>&1 | tee "$out/$arm.log"
  return "${PIPESTATUS[0]}"
}

summary() {  # out
  PYTHONUNBUFFERED=1 "${PYTHON:-python3}" "$here/dd_summary.py" --dd "$1/dd" --concat "$1/concat" \
    --plot "$1/dd_time_to_loss.png" 2>&1 | tee "$1/summary.txt"
}

case "$1" in
  train) [ $# -eq 5 ] || usage; train_arm "$2" "$3" "$4" "$5" ;;
  summary) [ $# -eq 2 ] || usage; summary "$2" ;;
  all) [ $# -eq 5 ] || usage; train_arm dd "$2" "$4" "$5"; train_arm concat "$3" "$4" "$5"; summary "$5" ;;
  *) usage ;;
esac
