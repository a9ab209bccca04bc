/**
 * Exact and near-duplicate detection as pure logic, without Spark: text normalisation, word n-gram shingles,
 * MinHash signatures, LSH banding with bands and rows chosen to minimise weighted false positives and negatives,
 * exact Jaccard, the keeper policy, and the stage's config ({@code spindle.dedup}, defaults in this module's
 * {@code reference.conf} only) and report records. The Spark wiring is in {@code dev.spindle.dedup.spark}.
 *
 * <p>Non-goals: substring (suffix-array) dedup and semantic (embedding) dedup.
 */
package dev.spindle.dedup;
