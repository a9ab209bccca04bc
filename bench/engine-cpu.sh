#!/usr/bin/env bash
# DL4J CPU engine throughput and step split vs the plain-Java reference model.
# Usage: bench/engine-cpu.sh [layers dModel heads length batch steps]   (default 2 128 4 128 8 10)
exec "$(dirname "$0")/run.sh" trainer dev.spindle.trainer.bench.EngineCpuBenchmark "$@"
