#!/usr/bin/env bash
# Dataset Decomposition vs concat-chunk as time to the same validation loss, on this CPU at a small scale: the same
# measurement as the GPU one (bench/gpu_dd.sh -> bench/dd_time_to_loss.sh -> bench/dd_summary.py, issue 16), with
# the DL4J engine, a tiny byte-level model and buckets 64..1024 instead of GPT-2-124M, r50k and 256..8192.
# Data: ../shared/corpus/medium (skips when absent). Of each source's documents, every TRAIN_EVERY-th is trained on
# and every 100th (offset 5, never a training document) is held out; both arms train on the same documents
# (DD 64..1024 with grow-p2 vs concat-chunk 1024), same tokens per step, steps and learning-rate schedule, and are
# judged on the same held-out sequences (a DD decompose of the held-out documents) at every length.
# Usage: bench/dd_cpu.sh [OUT]        (default pipeline/target/bench-dd-cpu; OUT is rebuilt)
# Env: STEPS (300), TOKENS_PER_STEP (8192), LAYERS (2), D_MODEL (64), HEADS (4), TRAIN_EVERY (10), VALIDATE_EVERY
# (25), LR (3e-3), WARMUP (30), CURRICULUM (the DD arm's, grow-p2 or natural), SPINDLE_SHARED (../shared).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
corpus=${SPINDLE_SHARED:-$repo/../shared}/corpus/medium
if [ ! -d "$corpus" ]; then
  echo "bench/dd_cpu.sh: skipped: no medium corpus at $corpus (set SPINDLE_SHARED to the folder holding corpus/)"
  exit 0
fi
out=${1:-$repo/pipeline/target/bench-dd-cpu}
case "$out" in /*) ;; *) out=$PWD/$out ;; esac
rm -rf "$out"
mkdir -p "$out/train-files" "$out/heldout-files"
every=${TRAIN_EVERY:-10}

inputs_train=() inputs_heldout=()
for file in "$corpus"/*.jsonl.gz; do
  source=$(basename "$file" .jsonl.gz)
  zcat "$file" | awk -v every="$every" 'NR % every == 1' >"$out/train-files/$source.jsonl"
  zcat "$file" | awk 'NR % 100 == 5' >"$out/heldout-files/$source.jsonl"
  inputs_train+=(--input "$source=$out/train-files/$source.jsonl")
  inputs_heldout+=(--input "$source=$out/heldout-files/$source.jsonl")
done
echo "documents: train $(cat "$out"/train-files/*.jsonl | wc -l), held out $(cat "$out"/heldout-files/*.jsonl | wc -l)"

spindle() { "$repo/bin/spindle" "$@" --quiet; }
spindle tokenize "${inputs_train[@]}" --output "$out/train" --tokenizer bytes
spindle tokenize "${inputs_heldout[@]}" --output "$out/heldout" --tokenizer bytes
spindle decompose --input "$out/train/tokenize/docs" --output "$out/dd" --mode dd --min-length 64 --max-length 1024
spindle decompose --input "$out/train/tokenize/docs" --output "$out/concat" --mode concat-chunk \
  --min-length 64 --max-length 1024
spindle decompose --input "$out/heldout/tokenize/docs" --output "$out/val" --mode dd --min-length 64 \
  --max-length 1024

target=$repo/pipeline/target
jar=$(ls "$target"/spindle-pipeline-*-SNAPSHOT.jar | grep -v -- '-spark.jar' | head -n 1)
opens=$(sed -n 's:.*<spindle.jvm.opens>\(--.*\)</spindle.jvm.opens>.*:\1:p' "$repo/pom.xml" | head -n 1)
export SPINDLE_CP="$jar:$(cat "$target/classpath-runtime.txt"):$(cat "$target/classpath-provided.txt")"
export JAVA_OPTS="-Xmx6g $opens" ENGINE=dl4j LAYERS=${LAYERS:-2} D_MODEL=${D_MODEL:-64} HEADS=${HEADS:-4}
export STEPS=${STEPS:-300} TOKENS_PER_STEP=${TOKENS_PER_STEP:-8192} VALIDATE_EVERY=${VALIDATE_EVERY:-25}
export LR=${LR:-3e-3} WARMUP=${WARMUP:-30}
for arm in dd concat; do
  start=$(date +%s)
  bash "$repo/bench/dd_time_to_loss.sh" train "$arm" "$out/$arm" "$out/val" "$out/runs" >/dev/null
  echo "$arm arm: $(($(date +%s) - start)) s wall (log: $out/runs/$arm.log)"
done
plot=()
python3 -c "import matplotlib" 2>/dev/null && plot=(--plot "$out/runs/dd_time_to_loss.png")
python3 "$repo/bench/dd_summary.py" --dd "$out/runs/dd" --concat "$out/runs/concat" "${plot[@]}" \
  | tee "$out/runs/summary.txt"
