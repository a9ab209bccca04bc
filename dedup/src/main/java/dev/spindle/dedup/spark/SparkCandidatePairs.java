package dev.spindle.dedup.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.min;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * LSH banding: documents sharing a band key within a scope land in one bucket, and each bucket yields candidate
 * pairs {@code (left < right)}. A bucket of up to {@code maxBucketSize} members yields all its pairs; a larger one
 * (boilerplate shared by thousands of documents) links each member to the bucket's smallest id only, a star with
 * n-1 edges that keeps the bucket connected without n^2/2 pairs.
 */
final class SparkCandidatePairs {
  /** Candidate pairs plus how many buckets were linked as stars. */
  record Result(Dataset<Row> pairs, Dataset<Row> oversizedBuckets) {}

  private SparkCandidatePairs() {}

  /** {@code features}: representatives only, with scope_key, id and band_keys. */
  static Result find(Dataset<Row> features, int maxBucketSize) {
    Dataset<Row> members =
        features.select(col("scope_key"), col("id"), explode(col("band_keys")).as("band_key"));
    Dataset<Row> buckets =
        members.groupBy("scope_key", "band_key")
            .agg(count("id").as("size"), min("id").as("bucket_min"))
            .filter(col("size").geq(2));
    Dataset<Row> shared = members.join(buckets, new String[] {"scope_key", "band_key"}).cache();

    Dataset<Row> small = shared.filter(col("size").leq(maxBucketSize));
    Dataset<Row> allPairs =
        small.as("a")
            .join(small.as("b"),
                col("a.scope_key").equalTo(col("b.scope_key"))
                    .and(col("a.band_key").equalTo(col("b.band_key")))
                    .and(col("a.id").lt(col("b.id"))))
            .select(col("a.id").as("left"), col("b.id").as("right"));
    Dataset<Row> stars =
        shared.filter(col("size").gt(maxBucketSize).and(col("id").notEqual(col("bucket_min"))))
            .select(col("bucket_min").as("left"), col("id").as("right"));
    Dataset<Row> pairs = allPairs.union(stars).distinct();
    return new Result(pairs, buckets.filter(col("size").gt(maxBucketSize)));
  }
}
