package dev.spindle.dedup.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import dev.spindle.dedup.Jaccard;
import dev.spindle.dedup.MinHasher;
import dev.spindle.dedup.SignatureBytes;
import dev.spindle.dedup.Verification;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * Scores each candidate pair and keeps those at or above the threshold: the signature estimate, the exact shingle
 * Jaccard (shingles recomputed for the candidates only, {@link SparkShingles}), or nothing dropped with
 * {@link Verification#NONE} (the estimate is still recorded). Output: {@code left, right, similarity}.
 */
final class SparkPairVerification {
  private static final UserDefinedFunction ESTIMATE =
      udf((UDF2<byte[], byte[], Double>) (left, right) ->
              MinHasher.estimatedJaccard(SignatureBytes.decode(left), SignatureBytes.decode(right)),
          DataTypes.DoubleType);

  private static final UserDefinedFunction EXACT =
      udf((UDF2<byte[], byte[], Double>) (left, right) ->
              Jaccard.of(SignatureBytes.decode(left), SignatureBytes.decode(right)),
          DataTypes.DoubleType);

  private SparkPairVerification() {}

  /**
   * {@code features}: id, signature of the representatives; {@code texts}: id, text of every document (read only
   * for {@link Verification#EXACT}).
   */
  static Dataset<Row> verify(Dataset<Row> pairs, Dataset<Row> features, Dataset<Row> texts, Verification verification,
      double threshold, int ngram) {
    Dataset<Row> values;
    UserDefinedFunction score;
    if (verification == Verification.EXACT) {
      Dataset<Row> ids = pairs.select(col("left").as("id")).union(pairs.select(col("right").as("id"))).distinct();
      values = SparkShingles.of(texts, ids, ngram).select(col("id"), col("shingles").as("value"));
      score = EXACT;
    } else {
      values = features.select(col("id"), col("signature").as("value"));
      score = ESTIMATE;
    }
    Dataset<Row> scored =
        pairs.join(values.withColumnRenamed("id", "left").withColumnRenamed("value", "left_value"), "left")
            .join(values.withColumnRenamed("id", "right").withColumnRenamed("value", "right_value"), "right")
            .select(col("left"), col("right"), score.apply(col("left_value"), col("right_value")).as("similarity"));
    return verification == Verification.NONE ? scored : scored.filter(col("similarity").geq(threshold));
  }
}
