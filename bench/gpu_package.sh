#!/usr/bin/env bash
# Packs what the offline GPU machine needs to run Spindle end to end (it has no Java, no Maven, no network) into
# DEST (default .gpu, which .git/info/exclude ignores and the device tool carries), in parts that each fit one
# device call (64 MiB per call with the working tree), to be sent in back-to-back calls while the machine is warm:
#   .gpu/libs1/, .gpu/libs2/  libs-N.txz: the third-party jars, re-stored uncompressed so xz can shrink them
#                (deflated jars barely compress; stored ones do, about 2x), about 55 MB each
#   .gpu/base/   jre.txz (jlinked Java 17: java.se + jdk.unsupported/management/security.auth/crypto.ec/zipfs,
#                image uncompressed so xz shrinks it) and app.txz (Spindle's jars: pipeline, config, schema, dedup,
#                mixing, trainer and its test-jar)
#   .gpu/corpus/ shared/corpus/medium (when ../shared is present)
# Third-party jars: the pipeline's runtime + Spark's (local mode) + JUnit for the GPU tests, minus what a CUDA run
# never loads: DL4J/ND4J and their natives, OpenBLAS, RocksDB, native libraries of other platforms. On the GPU
# machine: bench/gpu_setup.sh (unpacks into /tmp/spindle), then bench/gpu_check.sh / bench/gpu_pipeline.sh.
#   .gpu/base/before.txz  with SPINDLE_BEFORE=DIR: the trainer jars of an earlier build (DIR = its trainer/target)
# Usage: bench/gpu_package.sh [DEST]   (SPINDLE_SKIP_BUILD=1 reuses the last build)
set -euo pipefail
cd "$(dirname "$0")/.."
dest=${1:-.gpu}
grep -qx '/.gpu/' .git/info/exclude 2>/dev/null || { mkdir -p .git/info; echo '/.gpu/' >> .git/info/exclude; }
if [ -z "${SPINDLE_SKIP_BUILD:-}" ]; then
  mvn -B -q -o -DskipTests package
  mvn -B -q -o -pl trainer dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/gpu-test.classpath >/dev/null
fi
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/lib" "$stage/app/lib" "$dest"
# Third-party jars: runtime + provided (Spark) of the pipeline, JUnit/AssertJ of the trainer's tests.
# (the classpath files end without a newline, hence the echos)
{ tr ':' '\n' < pipeline/target/classpath-runtime.txt; echo; tr ':' '\n' < pipeline/target/classpath-provided.txt; echo
  tr ':' '\n' < trainer/target/gpu-test.classpath | grep -E '/(junit|opentest4j|apiguardian|assertj|byte-buddy)'; } \
  | grep -E '\.jar$' | grep -v '/target/' | sort -u \
  | grep -Ev '/(nd4j|deeplearning4j|openblas|rocksdbjni|fastutil|oshi-core|neoitertools)[^/]*$' \
  | grep -Ev '/org/nd4j/' \
  | grep -Ev -- '-(osx|windows)-[a-z0-9_]+\.jar$|-linux-(aarch_64|riscv64|ppc64le|armhf|arm64)\.jar$' \
  | grep -Ev '/netty-resolver-dns-(classes|native)-macos' \
  > "$stage/jars.txt"
# Jars re-written with stored (uncompressed) entries, same content: xz then shrinks them about 2x.
python3 - "$stage/lib" "$stage/jars.txt" <<'PY'
import os, sys, zipfile
target = sys.argv[1]
for line in open(sys.argv[2]):
    source = line.strip()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(os.path.join(target, os.path.basename(source)), "w",
                                                         zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            entry.external_attr = info.external_attr
            zout.writestr(entry, zin.read(info.filename))
PY
# Spindle's own jars.
cp pipeline/target/spindle-pipeline-*-SNAPSHOT.jar "$stage/app/lib/" 2>/dev/null
rm -f "$stage"/app/lib/*-spark.jar
cp config/target/spindle-config-*-SNAPSHOT.jar schema/target/spindle-schema-*-SNAPSHOT.jar \
  dedup/target/spindle-dedup-*-SNAPSHOT.jar mixing/target/spindle-mixing-*-SNAPSHOT.jar \
  trainer/target/spindle-trainer-*-SNAPSHOT.jar trainer/target/spindle-trainer-*-tests.jar "$stage/app/lib/"
mkdir -p "$dest/base"
tar -C "$stage/app" -cf - lib | xz -T2 -6 > "$dest/base/app.txz"
# An earlier build's trainer jars (SPINDLE_BEFORE: a checkout's trainer/target), for before/after timings in one
# call (bench/gpu_speed.sh).
rm -f "$dest/base/before.txz"
if [ -n "${SPINDLE_BEFORE:-}" ]; then
  tar -C "$SPINDLE_BEFORE" -cf - $(cd "$SPINDLE_BEFORE" && ls spindle-trainer-*.jar) | xz -T2 -6 > "$dest/base/before.txz"
fi
if ! ls "$dest"/libs*/libs-*.txz >/dev/null 2>&1 || [ "$stage/jars.txt" -nt "$(ls "$dest"/libs*/libs-1.txz)" ] \
    || ! cmp -s "$stage/jars.txt" "$dest/jars.txt"; then
  rm -rf "$dest"/libs*
  # Two parts of about equal size (largest jars first, each to the lighter part): ~55 MB compressed each.
  : > "$stage/part-1.txt"
  : > "$stage/part-2.txt"
  sizes=(0 0 0)
  for jar in $(ls -S "$stage/lib"); do
    bytes=$(stat -c %s "$stage/lib/$jar")
    n=$([ "${sizes[1]}" -le "${sizes[2]}" ] && echo 1 || echo 2)
    echo "$jar" >> "$stage/part-$n.txt"
    sizes[$n]=$((sizes[n] + bytes))
  done
  for list in "$stage"/part-*.txt; do
    n=$(basename "$list" .txt | cut -d- -f2)
    mkdir -p "$dest/libs$n"
    tar -C "$stage/lib" -cf - -T "$list" | xz -T2 -6 > "$dest/libs$n/libs-$n.txz"
  done
  cp "$stage/jars.txt" "$dest/jars.txt"
fi
if [ ! -f "$dest/base/jre.txz" ]; then
  rm -rf "$stage/spindle-jre"
  jlink --add-modules java.se,jdk.unsupported,jdk.management,jdk.security.auth,jdk.crypto.ec,jdk.zipfs \
    --strip-debug --no-header-files --no-man-pages --compress=0 --output "$stage/spindle-jre"
  tar -C "$stage" -cf - spindle-jre | xz -T2 -9 > "$dest/base/jre.txz"
fi
if [ -d ../shared/corpus/medium ] && [ ! -d "$dest/corpus/medium" ]; then
  mkdir -p "$dest/corpus/medium"
  cp ../shared/corpus/medium/*.jsonl.gz "$dest/corpus/medium/"
fi
echo "jars: $(wc -l < "$stage/jars.txt") third-party ($(du -sh "$stage/lib" | cut -f1) stored)"
du -sh "$dest"/*/ | sort -k2
echo "send in back-to-back device calls: carry [.gpu/libs1], then [.gpu/libs2], then [.gpu/base, .gpu/corpus]"
