#!/usr/bin/env bash
# On the GPU machine, from the repository root, after bench/gpu_setup.sh: the real pipeline through the same Main
# that spark-submit runs (local[*] Spark), conf/gpu.conf on shared/corpus/medium (carried as .gpu/corpus/medium),
# the CUDA engine. Steps (each can be run alone, in this order, across calls while the machine stays warm):
#   prep     ingest -> dedup -> tokenize -> mix -> decompose into /tmp/runs/gpu1
#   one      train (1 trainer) + report in /tmp/runs/gpu1; then the engine benchmark on the same model, precision and
#            tokens per step (GpuTrainingBench) for the throughput comparison (ENGINE_BENCH=0 leaves it out)
#   two      the same run with 2 trainers sharing the GPU (averaged on the device): /tmp/runs/gpu2
#   resume   /tmp/runs/gpu3: train is SIGKILLed after its step-100 checkpoint, re-run, and must end with the
#            checksum of /tmp/runs/gpu1
#   smoke    /tmp/runs/smoke: 20 steps with 2 trainers sharing the GPU, a checkpoint and a validation on the way (a
#            quick first look that the CUDA path through Spark works before the long runs)
#   summary  bench/gpu_pipeline_report.py over the runs (throughput vs benchmark, input wait, sync, validation)
# Logs and the small outputs (reports, metrics, summaries) go to $OUT. Usage: bench/gpu_pipeline.sh STEP...
set -uo pipefail
source "$(dirname "$0")/gpu_env.sh"
out=${OUT:-/tmp/out}
mkdir -p "$out" ../shared/corpus
# A stable copy: each device call may see the checkout at another path, which a link into it would not follow.
[ -d .gpu/corpus/medium ] && [ ! -d /tmp/corpus/medium ] && mkdir -p /tmp/corpus && cp -r .gpu/corpus/medium /tmp/corpus/
[ -d ../shared/corpus/medium ] && [ ! -L ../shared/corpus/medium ] || ln -sfn /tmp/corpus/medium ../shared/corpus/medium
runs=/tmp/runs
conf=(--conf conf/gpu.conf)

copy_prep() { # hard-linked copy of run 1's committed stages up to decompose
  local target=$1
  rm -rf "$target" && mkdir -p "$target"
  for stage in ingest dedup tokenize mix decompose; do
    cp -al "$runs/gpu1/$stage" "$target/$stage"
  done
}

save() { # name run-dir
  mkdir -p "$out/$1"
  cp "$2"/*/report.json "$out/$1/" 2>/dev/null
  for stage in ingest dedup tokenize mix decompose train; do
    [ -f "$2/$stage/report.json" ] && cp "$2/$stage/report.json" "$out/$1/$stage-report.json"
  done
  cp "$2/train/metrics.jsonl" "$2/train/summary.json" "$2/train/plan.json" "$2/decompose/manifest.json" "$out/$1/" 2>/dev/null
  [ -d "$2/report" ] && tar -C "$2" -czf "$out/$1/report.tgz" report
  return 0
}

for step in "$@"; do
  echo "=== $step $(date -u +%T)"
  case "$step" in
    prep)
      spindle run "${conf[@]}" --set run-dir=$runs/gpu1 --to decompose 2>&1 | tee "$out/prep.log"
      ;;
    one)
      spindle run "${conf[@]}" --set run-dir=$runs/gpu1 2>&1 | tee "$out/one.log"
      save one $runs/gpu1
      [ "${ENGINE_BENCH:-1}" = 0 ] || "$JAVA" "${SPINDLE_JVM[@]}" -cp "$SPINDLE_CP" \
        dev.spindle.trainer.cuda.bench.GpuTrainingBench bf16 65536 10 256,512,1024,2048,4096,8192 2>&1 \
        | tee "$out/engine_bench.log"
      ;;
    smoke)
      copy_prep $runs/smoke
      spindle run "${conf[@]}" --set run-dir=$runs/smoke --set train.trainers=2 --set train.steps=20 \
        --set train.checkpoint-every=10 --set train.validate-every=10 --set train.progress-every=5 --to train 2>&1 \
        | tee "$out/smoke.log"
      cp $runs/smoke/train/summary.json "$out/smoke-summary.json" 2>/dev/null
      ;;
    two)
      copy_prep $runs/gpu2
      spindle run "${conf[@]}" --set run-dir=$runs/gpu2 --set train.trainers=2 2>&1 | tee "$out/two.log"
      save two $runs/gpu2
      ;;
    resume)
      copy_prep $runs/gpu3
      spindle run "${conf[@]}" --set run-dir=$runs/gpu3 > "$out/resume-killed.log" 2>&1 &
      pid=$!
      metrics=$runs/gpu3/train._tmp/metrics.jsonl
      until [ -f "$metrics" ] && [ "$(wc -l < "$metrics")" -ge 130 ]; do
        kill -0 $pid 2>/dev/null || { echo "resume: the run ended before it could be killed"; break; }
        sleep 1
      done
      # $pid is the subshell running the spindle function; the JVM is its child: SIGKILL the JVM itself.
      pkill -9 -f -- "run-dir=$runs/gpu3" && echo "killed the train stage's JVM after $(wc -l < "$metrics") steps"
      wait $pid 2>/dev/null
      ls "$runs/gpu3/train._tmp/checkpoints" | tee -a "$out/resume-killed.log"
      spindle run "${conf[@]}" --set run-dir=$runs/gpu3 2>&1 | tee "$out/resume.log"
      save resume $runs/gpu3
      python3 - "$runs/gpu1/train/summary.json" "$runs/gpu3/train/summary.json" <<'PY' | tee -a "$out/resume.log"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
print("uninterrupted checksum", a["final_checksum"], "resumed", b["final_checksum"], "resumed from step",
      b["resumed_from_step"], "->", "IDENTICAL" if a["final_checksum"] == b["final_checksum"] else "DIFFERENT")
PY
      ;;
    summary)
      python3 bench/gpu_pipeline_report.py "$out" 2>&1 | tee "$out/summary.txt"
      ;;
    *) echo "unknown step $step (prep smoke one two resume summary)"; exit 2 ;;
  esac
done
