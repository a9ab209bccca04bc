#!/usr/bin/env bash
# Executor loss on a Spark standalone cluster: starts a Master and two one-core Workers on 127.0.0.1 (separate JVMs,
# from the jars the build resolved), runs the lean demo over conf/standalone-example.conf undisturbed, then dedup with
# one executor SIGKILLed mid-stage and training with one SIGKILLed after its first checkpoint, and prints per fault:
# the stage's seconds against the undisturbed run's, when the replacement executor registered and the work was
# resubmitted, failed tasks and stage attempts (from Spark's event log), where training resumed, and whether the
# outputs equal the undisturbed run's. Kills every JVM it started on exit.
# Usage: bench/cluster.sh [repeats] [cluster-mode]   (cluster-mode: also the report stage in cluster deploy mode)
set -euo pipefail
cd "$(dirname "$0")/.."
# The shaded jar and the resolved class path files (the Spark home is assembled from them).
mvn -B -q -o -pl pipeline -am package -DskipTests >/dev/null 2>&1 || mvn -B -q -pl pipeline -am package -DskipTests
SPINDLE_BENCH_HEAP=${SPINDLE_BENCH_HEAP:-1g} exec bench/run.sh pipeline dev.spindle.pipeline.cluster.ClusterBenchmark "$@"
