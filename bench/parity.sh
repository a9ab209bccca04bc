#!/usr/bin/env bash
# Loss parity on the GPU machine: Spindle trains N steps from its initial weights (ParityRun: CUDA engine, bf16 by
# default) and writes the weights, the batch order and its losses; PyTorch then replays the same batches from the same
# weights (parity_torch.py) and compares per-step and final validation losses (goal: within 1%), with a PNG.
# Usage: bash bench/parity.sh DECOMPOSE_DIR OUT_DIR [more ParityRun flags, e.g. --curriculum uniform --lr 3e-4]
# Environment: SPINDLE_CP (required: trainer classes + test classes + their jars incl. Parquet/Hadoop), JAVA (java),
# JAVA_OPTS (-Xmx32g), ENGINE (cuda), PRECISION (bf16), STEPS (300), TOKENS (16384 tokens per step), PYTHON (python3),
# TORCH_FLAGS (more parity_torch.py flags, e.g. --noise-floor).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ $# -lt 2 ]; then
  sed -n '2,7p' "$0"; exit 2
fi
data=$1; out=$2; shift 2
: "${SPINDLE_CP:?set SPINDLE_CP to the trainer jars}"
mkdir -p "$out"
# The CUDA libraries for Java only: a Python built elsewhere must not pick up the system's libpython from that path.
cuda_libs=/usr/local/cuda-13.0/targets/x86_64-linux/lib:/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}
# shellcheck disable=SC2086
LD_LIBRARY_PATH=$cuda_libs "${JAVA:-java}" ${JAVA_OPTS:--Xmx32g} --add-opens=java.base/java.nio=ALL-UNNAMED \
  -cp "$SPINDLE_CP" dev.spindle.trainer.export.bench.ParityRun --precision "${PRECISION:-bf16}" \
  --data "$data" --output "$out" --engine "${ENGINE:-cuda}" --steps "${STEPS:-300}" \
  --tokens-per-step "${TOKENS:-16384}" "$@" 2>&1 | tee "$out/spindle.log"
PYTHONUNBUFFERED=1 "${PYTHON:-python3}" "$here/parity_torch.py" --run "$out" ${TORCH_FLAGS:-} 2>&1 | grep -v Warning \
  | tee "$out/torch.log"
exit "${PIPESTATUS[0]}"
