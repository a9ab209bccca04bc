package dev.spindle.dedup.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.first;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Exact dedup: documents with the same normalized-text hash in the same scope form a group, and the group's
 * representative is the one the keep policy prefers (smallest keep key). Only representatives go on to near
 * dedup. Output: {@code id, source, bytes, keep_key, representative}.
 */
final class SparkExactDuplicates {
  private SparkExactDuplicates() {}

  static Dataset<Row> representatives(Dataset<Row> features) {
    WindowSpec group =
        Window.partitionBy("scope_key", "content_hash").orderBy(col(SparkKeepKey.COLUMN).asc())
            .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    return features.select(col("id"), col("source"), col("bytes"), col(SparkKeepKey.COLUMN),
        first(col("id")).over(group).as("representative"));
  }
}
