#!/usr/bin/env bash
# Runs the bad-input and fault catalogue (ReliabilityTest, through the real CLI) and prints its report:
# each bad input tried, its outcome (one-line error or quarantine count), and the reconciliation checks.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -o -pl pipeline -am test -Dtest='ReliabilityTest,FaultsTest,StageRunnerTest,JsonlFileReaderTest' \
  -Dsurefire.failIfNoSpecifiedTests=false >/dev/null 2>&1 \
  || mvn -B -q -pl pipeline -am test -Dtest='ReliabilityTest,FaultsTest,StageRunnerTest,JsonlFileReaderTest' \
       -Dsurefire.failIfNoSpecifiedTests=false
cat pipeline/target/reliability-report.md; echo; cat pipeline/target/reliability-faults.md
