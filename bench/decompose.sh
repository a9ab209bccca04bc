#!/usr/bin/env bash
# Tokenize + Dataset Decomposition on shared/corpus/medium: bucket histogram, attention cost DD vs concat-chunk,
# throughput per core. Usage: bench/decompose.sh [tokenizer=cl100k] [corpus=medium|tiny]
exec "$(dirname "$0")/run.sh" pipeline dev.spindle.pipeline.decompose.bench.DecomposeBenchmark "$@"
