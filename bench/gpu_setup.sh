#!/usr/bin/env bash
# On the GPU machine, from the repository root: unpacks the parts bench/gpu_package.sh made (carried as .gpu, in
# back-to-back calls) into /tmp/spindle: spindle-jre/, lib/ (third-party jars), app/lib/ (Spindle's jars),
# before/ (an earlier build's trainer jars, when packed: bench/gpu_speed.sh). Each
# part is unpacked once per machine (a marker remembers it), so every call may run this with the parts it has.
# Prints the classpath to use: /tmp/spindle/app/lib/*:/tmp/spindle/lib/*
set -euo pipefail
root=/tmp/spindle
mkdir -p "$root/lib" "$root/app"
for part in .gpu/base/jre.txz .gpu/libs*/libs-*.txz .gpu/base/app.txz .gpu/base/before.txz; do
  [ -f "$part" ] || continue
  marker="$root/.unpacked-$(basename "$part")-$(stat -c %s "$part")"
  [ -f "$marker" ] && continue
  case "$part" in
    */jre.txz) tar -C "$root" -xJf "$part" ;;
    */libs-*.txz) tar -C "$root/lib" -xJf "$part" ;;
    */app.txz) rm -rf "$root/app" && mkdir -p "$root/app" && tar -C "$root/app" -xJf "$part" ;;
    */before.txz) rm -rf "$root/before" && mkdir -p "$root/before" && tar -C "$root/before" -xJf "$part" ;;
  esac
  touch "$marker"
  echo "unpacked $part"
done
echo "jars: $(ls "$root/lib" | wc -l) third-party, $(ls "$root/app/lib" 2>/dev/null | wc -l) Spindle; java: $(ls "$root/spindle-jre/bin/java" 2>/dev/null || echo missing)"
