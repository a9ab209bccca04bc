#!/usr/bin/env bash
# Spark GPU discovery script (spark.worker.resource.gpu.discoveryScript / spark.executor.resource.gpu.
# discoveryScript): prints the GPUs this machine has as Spark's ResourceInformation JSON, e.g.
#   {"name": "gpu", "addresses": ["0","1"]}
# Honours CUDA_VISIBLE_DEVICES when it is a list of ordinals. Fails (exit 1, one line) without nvidia-smi or GPUs,
# so a misconfigured worker is refused at start instead of running trainers without a GPU.
set -euo pipefail
if [ -n "${CUDA_VISIBLE_DEVICES:-}" ] && [[ "$CUDA_VISIBLE_DEVICES" =~ ^[0-9]+(,[0-9]+)*$ ]]; then
  count=$(tr ',' '\n' <<<"$CUDA_VISIBLE_DEVICES" | wc -l)
else
  command -v nvidia-smi >/dev/null || { echo "discover-gpus: nvidia-smi not found (no NVIDIA driver?)" >&2; exit 1; }
  count=$(nvidia-smi --query-gpu=index --format=csv,noheader | wc -l)
fi
[ "$count" -gt 0 ] || { echo "discover-gpus: no GPU visible" >&2; exit 1; }
# Inside a process, visible GPUs are numbered from 0 whatever their physical ids.
addresses=$(seq -s '","' 0 $((count - 1)))
printf '{"name": "gpu", "addresses": ["%s"]}\n' "$addresses"
