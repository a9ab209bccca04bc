package dev.spindle.pipeline.ingest.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.substring_index;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.spindle.pipeline.SpindleException;
import dev.spindle.pipeline.ingest.IngestReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Per-source counts of an ingest: files and records as the readers counted them (stat rows), documents kept and
 * rejected as the rows say, rejections by category (the reason's text before its first colon), and the kept
 * documents that have a value for each of {@code ingest.numeric-fields}.
 */
public final class SparkIngestCounts {
  private SparkIngestCounts() {}

  public static Map<String, IngestReport.SourceCounts> perSource(SparkIngest.Result result,
      List<String> numericFields) {
    Map<String, Map<String, Long>> reasons = new TreeMap<>();
    for (Row row : result.rejected()
        .groupBy(col("source"), substring_index(col("reason"), ":", 1).as("category"))
        .agg(count(lit(1)).as("n"))
        .collectAsList()) {
      reasons.computeIfAbsent(row.getString(0), k -> new TreeMap<>()).put(row.getString(1), row.getLong(2));
    }
    Map<String, IngestReport.SourceCounts> sources = new TreeMap<>();
    List<Column> counts = new ArrayList<>(List.of(
        sum(when(col("kind").equalTo("stat"), col("records")).otherwise(0)).as("records"),
        sum(when(col("kind").equalTo("doc"), 1).otherwise(0)).as("kept"),
        sum(when(col("kind").equalTo("rejected"), 1).otherwise(0)).as("rejected"),
        sum(when(col("kind").equalTo("doc"), col("bytes")).otherwise(0)).as("bytes"),
        sum(when(col("kind").equalTo("stat"), col("replaced_utf8")).otherwise(0)).as("replaced")));
    for (int i = 0; i < numericFields.size(); i++) {
      counts.add(sum(when(col("kind").equalTo("doc").and(col(SparkIngest.NUMBERS).getItem(i).isNotNull()), 1)
          .otherwise(0)).as("values_" + i));
    }
    for (Row row : result.records()
        .groupBy("source")
        .agg(sum(when(col("kind").equalTo("stat"), 1).otherwise(0)).as("files"), counts.toArray(Column[]::new))
        .collectAsList()) {
      String source = row.getString(0);
      Map<String, Long> byReason = reasons.getOrDefault(source, Map.of());
      long rejected = row.getLong(4);
      long byReasonTotal = byReason.values().stream().mapToLong(Long::longValue).sum();
      if (byReasonTotal != rejected) {
        throw SpindleException.internal("Cannot count ingest of %s: %d rejected rows but %d by reason", source,
            rejected, byReasonTotal);
      }
      Map<String, Long> numericValues = new TreeMap<>();
      for (int i = 0; i < numericFields.size(); i++) {
        numericValues.put(numericFields.get(i), value(row, 7 + i));
      }
      sources.put(source, new IngestReport.SourceCounts(row.getLong(1), value(row, 2), row.getLong(3), rejected,
          value(row, 5), value(row, 6), byReason, numericValues));
    }
    return sources;
  }

  private static long value(Row row, int index) {
    return row.isNullAt(index) ? 0 : row.getLong(index);
  }
}
