/**
 * The dedup stage on Spark, one small class per step: document features (hash, signature, band keys, keep key)
 * → exact groups → LSH candidate pairs (star-linked oversized buckets) → verification → connected components
 * (large-star/small-star) → keepers → outputs ({@code kept}, {@code duplicates}, {@code pairs}, and the
 * signature {@code index} later runs deduplicate against). {@link dev.spindle.dedup.spark.SparkDedup} is the
 * entry point; everything else is package-private.
 */
package dev.spindle.dedup.spark;
