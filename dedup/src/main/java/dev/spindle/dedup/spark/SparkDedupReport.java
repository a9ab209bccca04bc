package dev.spindle.dedup.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.when;

import dev.spindle.dedup.SourceCounts;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Report counts from the assignments, aggregated in Spark; only the small aggregates (sources × kinds, sources ×
 * distinct cluster sizes) reach the driver. Clusters whose keeper an earlier run kept have no keeper here: they
 * count in their documents' sources but in no cluster-size histogram (the report's {@code against} counts them).
 */
final class SparkDedupReport {
  record Counts(Map<String, SourceCounts> sources, SourceCounts totals) {}

  private SparkDedupReport() {}

  static Counts summarize(Dataset<Row> assignments) {
    Map<String, long[]> kinds = new TreeMap<>();
    for (Row row : assignments.groupBy("source", "kind").agg(count("id").as("n")).collectAsList()) {
      long[] counts = kinds.computeIfAbsent(row.getString(0), source -> new long[3]);
      counts[index(row.getString(1))] += row.getLong(2);
    }
    Dataset<Row> clusterSizes =
        assignments.groupBy("cluster_id")
            .agg(count("id").as("size"), max(when(col("kind").equalTo("kept"), col("source"))).as("keeper_source"))
            .filter(col("keeper_source").isNotNull())
            .groupBy("keeper_source", "size")
            .agg(count("cluster_id").as("clusters"));
    Map<String, Map<Long, Long>> histograms = new HashMap<>();
    Map<Long, Long> total = new TreeMap<>();
    for (Row row : clusterSizes.collectAsList()) {
      histograms.computeIfAbsent(row.getString(0), source -> new TreeMap<>()).merge(row.getLong(1), row.getLong(2), Long::sum);
      total.merge(row.getLong(1), row.getLong(2), Long::sum);
    }
    Map<String, SourceCounts> sources = new TreeMap<>();
    long[] sum = new long[3];
    for (String source : new TreeSet<>(kinds.keySet())) {
      long[] counts = kinds.get(source);
      for (int i = 0; i < 3; i++) {
        sum[i] += counts[i];
      }
      sources.put(source, counts(counts, histograms.getOrDefault(source, Map.of())));
    }
    return new Counts(sources, counts(sum, total));
  }

  private static SourceCounts counts(long[] kept, Map<Long, Long> histogram) {
    return new SourceCounts(kept[0] + kept[1] + kept[2], kept[1], kept[2], kept[0], histogram);
  }

  private static int index(String kind) {
    return List.of("kept", "exact", "near").indexOf(kind);
  }
}
