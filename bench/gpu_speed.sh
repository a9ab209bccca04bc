#!/usr/bin/env bash
# On the GPU machine, after bench/gpu_setup.sh: the CUDA engine's speed before and after a change, in one call on
# one GPU, beside PyTorch eager and torch.compile (issue 17's table). "Before" is the engine of the jars that
# bench/gpu_package.sh packed from SPINDLE_BEFORE (a build of an earlier commit, unpacked in /tmp/spindle/before):
# they go first on the class path, so their classes and kernel sources win over the current ones.
# Steps (any order):
#   bench    GpuTrainingBench bf16, before and after, at TOKENS_LIST (16384 65536) tokens per step and LENGTHS
#            (1024,8192), STEPS (10) timed steps; then bench/torch_reference.py (eager, compile) on the same shapes,
#            with the after figures beside it. ATTENTIONS ("mma-sync", say) adds an "after-X" run per value of the
#            engine's attention option (-Dspindle.cuda.attention=X)
#   profile  the per-category GPU time (every op synchronised), before and after, PROFILE_SHAPES
#            ("65536:1024 16384:8192")
#   attention  the bf16 attention alone (AttentionBench): Spindle's mma-sync kernels (the baseline), cuDNN
#            deterministic and non-deterministic, forward and backward ms and the speed-up, at ATTENTION_SHAPES
#            (B:T pairs, default the DD buckets at 16,384 tokens and 64:1024) with 12 heads of 64, plus cuDNN's plan
#            reports (engine configuration, build time, workspace)
#   ncu      Nsight Compute on the after engine: every kernel of 3 steps at NCU_TOKENS (65536) tokens, length
#            NCU_LENGTH (1024), with --clock-control none (the clocks the benchmark runs at); bench/ncu_summary.py
#            sums GPU time per kernel
# Logs under $OUT: speed_<step>.log; tables from them: python3 bench/speed_table.py $OUT.
set -uo pipefail
source "$(dirname "$0")/gpu_env.sh"
out=${OUT:-/tmp/out}
mkdir -p "$out"
before_cp="/tmp/spindle/before/*:$SPINDLE_CP"
tokens_list=${TOKENS_LIST:-"16384 65536"}
lengths=${LENGTHS:-1024,8192}
steps=${STEPS:-10}
bench() { # bench LABEL CLASSPATH TOKENS [extra JVM flags] -> RESULT lines
  local label=$1 cp=$2 tokens=$3
  shift 3
  "$JAVA" "${SPINDLE_JVM[@]}" "$@" -cp "$cp" dev.spindle.trainer.cuda.bench.GpuTrainingBench bf16 "$tokens" "$steps" \
    "$lengths" 2>&1 | grep -E "^(RESULT|PROFILE|model|Exception|Caused)" | sed "s/^/$label /"
}
[ -d /tmp/spindle/before ] || echo "no /tmp/spindle/before: package with SPINDLE_BEFORE=DIR bench/gpu_package.sh"
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv,noheader | tee "$out/device.txt"
for step in "$@"; do
  echo "=== $step $(date -u +%T)"
  case "$step" in
    bench)
      for tokens in $tokens_list; do
        bench before "$before_cp" "$tokens" | tee -a "$out/speed_bench.log"
        bench after "$SPINDLE_CP" "$tokens" | tee -a "$out/speed_bench.log" | tee "$out/after_$tokens.log"
        for attention in ${ATTENTIONS:-}; do
          bench "after-$attention" "$SPINDLE_CP" "$tokens" "-Dspindle.cuda.attention=$attention" \
            | tee -a "$out/speed_bench.log"
        done
        sed 's/^after //' "$out/after_$tokens.log" > "$out/after_$tokens.results"
        PYTHONUNBUFFERED=1 python3 bench/torch_reference.py --tokens "$tokens" --steps "$steps" --lengths "$lengths" \
          --java "$out/after_$tokens.results" 2>&1 | grep -v Warning | tee -a "$out/speed_bench.log"
      done
      ;;
    profile)
      for shape in ${PROFILE_SHAPES:-"65536:1024 16384:8192"}; do
        tokens=${shape%%:*}
        for side in before after; do
          cp=$SPINDLE_CP; [ "$side" = before ] && cp=$before_cp
          LENGTHS=${shape##*:} STEPS=4 bench "$side" "$cp" "$tokens" -Dspindle.cuda.profile=true \
            | tee -a "$out/speed_profile.log"
        done
      done
      ;;
    attention)
      "$JAVA" "${SPINDLE_JVM[@]}" -cp "$SPINDLE_CP" dev.spindle.trainer.cuda.bench.AttentionBench \
        "${ATTENTION_SHAPES:-64:256,32:512,16:1024,8:2048,4:4096,2:8192,64:1024}" 12 64 2>&1 \
        | grep -E "^(ATTENTION|PLAN|cuDNN|SKIP)|Exception|Caused" | tee "$out/speed_attention.log"
      ;;
    ncu)
      # Every kernel of a 3-step run (2 warm-up steps, 1 timed) at 65536 tokens, length 1024; shares are what count.
      timeout 480 ncu --clock-control none --target-processes all --csv --page raw \
        --metrics gpu__time_duration.sum,dram__throughput.avg.pct_of_peak_sustained_elapsed,sm__throughput.avg.pct_of_peak_sustained_elapsed \
        "$JAVA" "${SPINDLE_JVM[@]}" -cp "$SPINDLE_CP" dev.spindle.trainer.cuda.bench.GpuTrainingBench bf16 \
        "${NCU_TOKENS:-65536}" 1 "${NCU_LENGTH:-1024}" > "$out/ncu_raw.csv" 2> "$out/ncu.err"
      echo "ncu exit $? ($(wc -l < "$out/ncu_raw.csv") lines)"
      python3 bench/ncu_summary.py "$out/ncu_raw.csv" | tee "$out/speed_ncu.log"
      ;;
    *) echo "unknown step $step (bench profile attention ncu)"; exit 2 ;;
  esac
done
