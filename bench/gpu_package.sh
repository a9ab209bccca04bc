#!/usr/bin/env bash
# Builds what the GPU machine needs to run the CUDA engine's tests and benchmarks (it has no Java and no Maven)
# into DEST (default /work/main/.gpu, which the device tool carries): a jlink'ed Java 17 runtime as .txz, the
# trainer's classes and test classes as jars, and only the jars the GPU code needs (JavaCPP, CUDA presets, JUnit,
# AssertJ) -- not DL4J/ND4J or Spark. Then run there: bench/gpu_check.sh (from the same DEST).
set -euo pipefail
cd "$(dirname "$0")/.."
dest=${1:-/work/main/.gpu}
mkdir -p "$dest/lib"
mvn -B -q -o -pl trainer test-compile
mvn -B -q -o -pl trainer dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/gpu.classpath >/dev/null
rm -f "$dest"/lib/*.jar
tr ':' '\n' < trainer/target/gpu.classpath \
  | grep -E '/(javacpp|cuda|junit-jupiter-api|junit-jupiter-engine|junit-jupiter-params|junit-platform-commons|junit-platform-engine|junit-platform-launcher|opentest4j|apiguardian-api|assertj-core|byte-buddy)-[0-9]' \
  | xargs -I{} cp {} "$dest/lib/"
jar cf "$dest/lib/spindle-trainer.jar" -C trainer/target/classes .
jar cf "$dest/lib/spindle-trainer-tests.jar" -C trainer/target/test-classes .
cp bench/gpu_check.sh bench/torch_reference.py "$dest/"
if [ ! -f "$dest/jre.txz" ]; then
  rm -rf /tmp/spindle-jre
  jlink --add-modules java.base,java.logging,java.management,jdk.unsupported --strip-debug --no-header-files \
    --no-man-pages --compress=2 --output /tmp/spindle-jre
  tar -C /tmp -cJf "$dest/jre.txz" spindle-jre
fi
du -sh "$dest" "$dest"/lib/* | sort -h | tail -5
