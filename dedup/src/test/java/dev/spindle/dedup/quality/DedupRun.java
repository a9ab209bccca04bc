package dev.spindle.dedup.quality;

import com.typesafe.config.ConfigFactory;
import dev.spindle.dedup.DedupConfig;
import dev.spindle.dedup.DedupReport;
import dev.spindle.dedup.spark.SparkDedup;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Runs {@link SparkDedup} on in-memory documents and reads its outputs back, for tests and benchmarks. */
public record DedupRun(DedupReport report, List<String> keptIds, Map<String, Row> duplicates, List<String[]> verifiedEdges) {
  public static final StructType DOCS =
      new StructType()
          .add("id", DataTypes.StringType, false)
          .add("source", DataTypes.StringType, false)
          .add("text", DataTypes.StringType, false)
          .add("bytes", DataTypes.LongType, false);

  public static Dataset<Row> dataset(SparkSession spark, List<Document> documents, int partitions) {
    List<Row> rows = new ArrayList<>();
    for (Document document : documents) {
      rows.add(RowFactory.create(document.id(), document.source(), document.text(), document.bytes()));
    }
    return spark.createDataFrame(rows, DOCS).repartition(partitions);
  }

  /** A config from HOCON keys of {@code spindle.dedup}, the rest from reference.conf. */
  public static DedupConfig config(String hocon) {
    return DedupConfig.from(ConfigFactory.parseString(hocon));
  }

  public static DedupRun run(SparkSession spark, List<Document> documents, DedupConfig config, String outputDir) {
    return run(spark, dataset(spark, documents, 4), config, outputDir);
  }

  /** Runs on any docs frame (e.g. with a score column) and reads the outputs back. */
  public static DedupRun run(SparkSession spark, Dataset<Row> docs, DedupConfig config, String outputDir) {
    DedupReport report = SparkDedup.run(spark, docs, config, outputDir);
    List<String> kept = new ArrayList<>();
    for (Row row : spark.read().parquet(outputDir + "/kept").select("id").collectAsList()) {
      kept.add(row.getString(0));
    }
    Map<String, Row> duplicates = new HashMap<>();
    for (Row row : spark.read().parquet(outputDir + "/duplicates").collectAsList()) {
      duplicates.put(row.getAs("id"), row);
    }
    List<String[]> edges = new ArrayList<>();
    for (Row row : spark.read().parquet(outputDir + "/pairs").select("id", "right").collectAsList()) {
      edges.add(new String[] {row.getString(0), row.getString(1)});
    }
    return new DedupRun(report, kept, duplicates, edges);
  }

  /** Cluster of every document: its own id when kept, the recorded cluster otherwise (a keeper's cluster is its removed members'). */
  public Map<String, String> clusterOfDocument() {
    Map<String, String> cluster = new HashMap<>();
    Map<String, String> clusterOfKeeper = new HashMap<>();
    duplicates.values().forEach(row -> clusterOfKeeper.put(row.getAs("kept_id"), row.getAs("cluster_id")));
    keptIds.forEach(id -> cluster.put(id, clusterOfKeeper.getOrDefault(id, id)));
    duplicates.forEach((id, row) -> cluster.put(id, row.getAs("cluster_id")));
    return cluster;
  }
}
