#!/usr/bin/env bash
# On the GPU machine (no Java needed: python3 with PyTorch and CuPy): the tensor-core attention kernels alone,
# checked against an fp32 reference and timed beside PyTorch's attention (bench/attention_kernels.py), for the
# kernel variants given as arguments (NAME=DEFINE,DEFINE...). NCU=1 adds Nsight Compute on the shipped kernels at
# length 8192 (SpeedOfLight, occupancy, warp stalls). Logs under $OUT ($LOG.log, default attention.log).
set -uo pipefail
out=${OUT:-/tmp/out}
mkdir -p "$out"
variants=()
for v in "$@"; do variants+=(--variant "$v"); done
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv,noheader | tee "$out/device.txt"
python3 bench/attention_kernels.py "${variants[@]}" --shapes "${SHAPES:-2x8192,16x1024}" 2>&1 | tee "$out/${LOG:-attention}.log"
status=${PIPESTATUS[0]}
if [ "${NCU:-0}" = 1 ]; then
  timeout 300 ncu --clock-control none --kernel-name regex:attention_tc --launch-count 4 \
    --section SpeedOfLight --section Occupancy --section WarpStateStats --section ComputeWorkloadAnalysis \
    --section MemoryWorkloadAnalysis --section LaunchStats \
    python3 bench/attention_kernels.py --skip-check --shapes 2x8192 --repeats 1 > "$out/attention_ncu.txt" 2>&1
  echo "ncu exit $?"
  grep -E "attention_tc|Duration|Throughput|Registers|Achieved Occupancy|Theoretical Occupancy|Warp Cycles Per Issued|Issue Slots Busy|Block Limit" "$out/attention_ncu.txt" | head -80
fi
exit "$status"
