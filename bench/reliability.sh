#!/usr/bin/env bash
# Data safety. Default: runs the bad-input and fault catalogue (ReliabilityTest through the real CLI, FaultsTest
# with a SIGKILLed child JVM, StageRunnerTest's crash states, the readers' tests and CorruptInputFuzzTest's few
# hundred damaged files) and prints their reports: each case, its outcome (one-line error or counted quarantine),
# and the reconciliation checks. `speed`: what the corruption checks cost when reading the medium corpus
# (IngestReadBenchmark; needs ../shared/corpus/medium, skips without it).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = speed ]; then
  exec bench/run.sh pipeline dev.spindle.pipeline.ingest.IngestReadBenchmark
fi
tests='ReliabilityTest,FaultsTest,StageRunnerTest,JsonlFileReaderTest,CorruptInputFuzzTest'
mvn -B -q -o -pl pipeline -am test -Dtest="$tests" -Dsurefire.failIfNoSpecifiedTests=false >/dev/null 2>&1 \
  || mvn -B -q -pl pipeline -am test -Dtest="$tests" -Dsurefire.failIfNoSpecifiedTests=false
cat pipeline/target/reliability-report.md; echo; cat pipeline/target/reliability-faults.md; echo
cat pipeline/target/reliability-fuzz.md
