#!/usr/bin/env bash
# On the GPU machine, after bench/gpu_pipeline.sh prep: Dataset Decomposition vs concat-chunk as time to the same
# validation loss (issue 16), on the same documents. Steps (one per call when the arms are long):
#   data     split run 1's mix output by document (sha1 of the id: 3% held out, never trained on), then decompose
#            the rest as DD 256..8192 and as concat-chunk 8192, and the held-out documents as DD 256..8192 (the
#            validation set both arms are judged on)
#   dd       train the DD arm (grow-p2)          \  bench/dd_time_to_loss.sh, same tokens per step, steps and
#   concat   train the concat-chunk arm           /  learning-rate schedule (STEPS, TOKENS_PER_STEP)
#   summary  the table and the loss-vs-time plot (bench/dd_summary.py)
set -uo pipefail
source "$(dirname "$0")/gpu_env.sh"
out=${OUT:-/tmp/out}
work=/tmp/dd
mkdir -p "$out" "$work"
export JAVA_OPTS="${SPINDLE_JVM[*]}"
export STEPS=${STEPS:-400} TOKENS_PER_STEP=${TOKENS_PER_STEP:-65536}
for step in "$@"; do
  echo "=== $step $(date -u +%T)"
  case "$step" in
    data)
      python3 - /tmp/runs/gpu1/mix/docs "$work" <<'PY'
import hashlib, os, sys
import pyarrow.parquet as pq
import pyarrow.compute as pc
import pyarrow as pa
source, work = sys.argv[1], sys.argv[2]
table = pq.read_table(source)
held = pa.array([int(hashlib.sha1(i.encode()).hexdigest()[:8], 16) % 100 < 3 for i in table.column("id").to_pylist()])
for name, mask in (("train-docs", pc.invert(held)), ("heldout-docs", held)):
    os.makedirs(os.path.join(work, name), exist_ok=True)
    part = table.filter(mask)
    pq.write_table(part, os.path.join(work, name, "part-00000.parquet"))
    print(name, part.num_rows, "rows", sum(part.column("n_tokens").to_pylist()), "tokens")
PY
      for arm in "dd:train-docs:dd" "concat:train-docs:concat-chunk" "val:heldout-docs:dd"; do
        IFS=: read -r name input mode <<<"$arm"
        rm -rf "$work/$name"
        spindle decompose --input "$work/$input" --output "$work/$name" --tokenizer r50k --mode "$mode" \
          --min-length 256 --max-length 8192 2>&1 | tee "$out/dd-decompose-$name.log"
      done
      cp "$work/dd/manifest.json" "$out/dd-manifest.json"; cp "$work/concat/manifest.json" "$out/concat-manifest.json"
      cp "$work/val/manifest.json" "$out/val-manifest.json"
      ;;
    dd) bash bench/dd_time_to_loss.sh train dd "$work/dd" "$work/val" "$work/runs" ;;
    concat) bash bench/dd_time_to_loss.sh train concat "$work/concat" "$work/val" "$work/runs" ;;
    summary)
      bash bench/dd_time_to_loss.sh summary "$work/runs"
      for arm in dd concat; do
        mkdir -p "$out/dd-$arm"
        cp "$work/runs/$arm/metrics.jsonl" "$work/runs/$arm/summary.json" "$out/dd-$arm/" 2>/dev/null
      done
      cp "$work/runs/summary.txt" "$work/runs/dd_time_to_loss.png" "$out/" 2>/dev/null
      ;;
    *) echo "unknown step $step (data dd concat summary)"; exit 2 ;;
  esac
done
