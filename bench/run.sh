#!/usr/bin/env bash
# Runs one benchmark main class from a module's test sources with that module's full classpath (Spark included)
# and the JVM flags Spark and Arrow need. Usage: bench/run.sh MODULE MAIN_CLASS [ARGS...]
# Benchmarks print their figures (and ratios against a baseline measured in the same run) to stdout.
# SPINDLE_BENCH_HEAP sets -Xmx (default 8g). Needs ../shared/corpus/medium for corpus-sized runs; each benchmark
# says clearly when it skips for lack of it.
set -euo pipefail
cd "$(dirname "$0")/.."
module=${1:?usage: bench/run.sh MODULE MAIN_CLASS [ARGS...]}
main=${2:?usage: bench/run.sh MODULE MAIN_CLASS [ARGS...]}
shift 2
cp_file="$module/target/bench.classpath"
mvn -B -q -o -pl "$module" -am test-compile -DskipTests >/dev/null 2>&1 || mvn -B -q -pl "$module" -am test-compile -DskipTests
# -am with test-compile: sibling modules (dedup, mixing, trainer) resolve to their target/classes from the reactor,
# since they are not installed in ~/.m2.
mvn -B -q -o -pl "$module" -am test-compile dependency:build-classpath -DskipTests -Dmdep.includeScope=test -Dmdep.outputFile="target/bench.classpath" >/dev/null 2>&1 \
  || mvn -B -q -pl "$module" -am test-compile dependency:build-classpath -DskipTests -Dmdep.includeScope=test -Dmdep.outputFile="target/bench.classpath"
opens=$(sed -n 's:.*<spindle.jvm.opens>\(--.*\)</spindle.jvm.opens>.*:\1:p' pom.xml | head -n 1)
export SPARK_LOCAL_IP=127.0.0.1
# shellcheck disable=SC2086
exec java -Xmx"${SPINDLE_BENCH_HEAP:-8g}" $opens -Dspindle.shared="${SPINDLE_SHARED:-$(cd .. && pwd)/shared}" \
  -cp "$module/target/test-classes:$module/target/classes:$(cat "$cp_file")" "$main" "$@"
