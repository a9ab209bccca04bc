/**
 * Decompose on Spark: the input's tokens whatever stage produced them, dd as a shuffle-free flatMap, concat-chunk
 * over a globally ordered stream without shuffling tokens, and bucket files written in each bucket's seeded
 * order.
 */
package dev.spindle.pipeline.decompose.spark;
