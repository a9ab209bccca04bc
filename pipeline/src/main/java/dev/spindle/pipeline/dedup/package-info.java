/**
 * The dedup stage as the pipeline runs it: {@code spindle.dedup} read by the dedup module's
 * {@code DedupConfig}, {@code dev.spindle.dedup.spark.SparkDedup} run on ingest's docs (and, with
 * {@code dedup.against}, against earlier runs' kept documents, which are inputs the runner refuses to write), and
 * the kept/removed counts handed to the runner's accounting. The detection itself lives in the dedup module.
 */
package dev.spindle.pipeline.dedup;
