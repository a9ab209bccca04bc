/**
 * The decompose stage: Dataset Decomposition (documents, or pieces the mix cut, into power-of-two length
 * buckets, with Spindle's or the authors' cutting rule) and the concat-chunk baseline, both with exact token
 * accounting checked against the rows written before {@code manifest.json} is committed. Pure rules here; the
 * Spark wiring in {@code dev.spindle.pipeline.decompose.spark}.
 */
package dev.spindle.pipeline.decompose;
