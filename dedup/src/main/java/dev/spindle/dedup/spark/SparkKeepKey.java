package dev.spindle.dedup.spark;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import dev.spindle.dedup.KeepPolicy;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

/**
 * The {@link KeepPolicy} as a sortable column: {@code keep_key = struct(origin, rank, negative_bytes, id)}, whose
 * minimum over a group is the document to keep. {@code origin} puts documents kept by earlier runs (their index
 * in {@code against}) before this run's ({@code against.size()}); {@code rank} is the policy's own key (0 for
 * first/longest, minus the score, the source's place in the list); then more bytes (not for first), then the
 * smallest id.
 */
final class SparkKeepKey {
  static final String COLUMN = "keep_key";
  static final StructType TYPE = new StructType()
      .add("origin", DataTypes.IntegerType, false)
      .add("rank", DataTypes.DoubleType, false)
      .add("negative_bytes", DataTypes.LongType, false)
      .add("id", DataTypes.StringType, false);

  private SparkKeepKey() {}

  /** The key of this run's documents ({@code docs}: id, source, bytes and the policy's column). */
  static Column of(KeepPolicy policy, Dataset<Row> docs, int origin) {
    Column rank;
    Column negativeBytes = col("bytes").multiply(-1).cast("long");
    switch (policy.kind()) {
      case FIRST -> {
        rank = lit(0.0);
        negativeBytes = lit(0L);
      }
      case LONGEST -> rank = lit(0.0);
      case SCORE -> {
        checkScoreColumn(policy, docs);
        // No score ranks after every score; NaN sorts after every number in Spark, so it ranks last too.
        rank = coalesce(col(policy.column()).cast("double").multiply(-1), lit(Double.POSITIVE_INFINITY));
      }
      case SOURCE_PRIORITY -> {
        List<String> sources = policy.sources();
        Column position = lit((double) sources.size());
        for (int i = sources.size() - 1; i >= 0; i--) {
          position = when(col("source").equalTo(sources.get(i)), lit((double) i)).otherwise(position);
        }
        rank = position;
      }
      default -> throw new IllegalStateException("unknown keep policy " + policy);
    }
    return struct(lit(origin).as("origin"), rank.cast("double").as("rank"), coalesce(negativeBytes, lit(0L)).as("negative_bytes"),
        col("id").as("id")).as(COLUMN);
  }

  /**
   * The key of a document an earlier run kept: earlier runs win, in their {@code against} order; among one run's
   * documents (joined only through new ones) more bytes, then the smallest id.
   */
  static Column earlier(int origin, Column nodeId, Column bytes) {
    return struct(lit(origin).as("origin"), lit(0.0).as("rank"), bytes.multiply(-1).cast("long").as("negative_bytes"),
        nodeId.as("id")).as(COLUMN);
  }

  private static void checkScoreColumn(KeepPolicy policy, Dataset<Row> docs) {
    List<String> columns = Arrays.asList(docs.columns());
    if (!columns.contains(policy.column())) {
      throw new IllegalArgumentException("Cannot dedup with keep = " + policy + ": the documents have no column '"
          + policy.column() + "' (columns: " + String.join(", ", columns) + "); give the input that column, or use "
          + "another keep policy");
    }
    DataType type = docs.schema().apply(policy.column()).dataType();
    if (!(type instanceof NumericType)) {
      throw new IllegalArgumentException("Cannot dedup with keep = " + policy + ": column '" + policy.column()
          + "' has type " + type.simpleString() + " (expected a number)");
    }
  }
}
