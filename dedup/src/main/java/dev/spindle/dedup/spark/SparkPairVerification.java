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
 * Scores each candidate pair and keeps those at or above the threshold: the signature estimate by default, the
 * exact shingle Jaccard when asked, or nothing dropped with {@link Verification#NONE} (the estimate is still
 * recorded). Output: {@code left, right, similarity}.
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

  static Dataset<Row> verify(Dataset<Row> pairs, Dataset<Row> features, Verification verification, double threshold) {
    String column = verification == Verification.EXACT ? "shingles" : "signature";
    UserDefinedFunction score = verification == Verification.EXACT ? EXACT : ESTIMATE;
    Dataset<Row> values = features.select(col("id"), col(column).as("value"));
    Dataset<Row> scored =
        pairs.join(values.withColumnRenamed("id", "left").withColumnRenamed("value", "left_value"), "left")
            .join(values.withColumnRenamed("id", "right").withColumnRenamed("value", "right_value"), "right")
            .select(col("left"), col("right"), score.apply(col("left_value"), col("right_value")).as("similarity"));
    return verification == Verification.NONE ? scored : scored.filter(col("similarity").geq(threshold));
  }
}
