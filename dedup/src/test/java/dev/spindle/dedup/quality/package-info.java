/**
 * Measuring duplicate detection: exhaustive exact-Jaccard ground truth, pair- and document-level precision and
 * recall, real texts with known random edits, and {@code DedupRun} (SparkDedup on in-memory documents of the docs
 * schema, outputs read back) shared by the tests and the benchmarks.
 */
package dev.spindle.dedup.quality;
