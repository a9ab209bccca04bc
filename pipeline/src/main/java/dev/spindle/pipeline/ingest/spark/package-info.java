/**
 * Ingest's Spark edge: one task per input file running the pure reader, duplicate-id resolution over all files,
 * and the per-source counts of the report.
 */
package dev.spindle.pipeline.ingest.spark;
