/**
 * Dedup benchmarks on the shared medium corpus (skipped clearly without it), run by {@code bench/dedup.sh}: speed
 * against a plain text scan, detection quality, and incremental dedup against from-scratch runs.
 */
package dev.spindle.dedup.bench;
