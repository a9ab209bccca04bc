package dev.spindle.dedup.spark;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import dev.spindle.dedup.DedupConfig;
import dev.spindle.dedup.DedupReport;
import dev.spindle.dedup.LshParameters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * The dedup stage: features (hash, signature, band keys) → exact groups → LSH candidate pairs → verification →
 * connected components → one keeper per cluster → outputs. Each phase is materialised once (persisted and counted)
 * so its wall time can be reported and later phases do not recompute it.
 *
 * <p>Outputs under {@code outputDir}: {@code kept} (the docs schema, rows of kept documents), {@code duplicates}
 * ({@code id, source, cluster_id, kept_id, kind}) and {@code pairs} (the verified near-duplicate edges between
 * exact-group representatives: {@code left, right, similarity}, for audit and quality evaluation). All three are
 * hash-partitioned by id into {@code spark.sql.shuffle.partitions} files and sorted by id within each, so the same
 * input, config and seed give the same files.
 *
 * <p>A cluster is a connected component of the near-duplicate graph between exact-group representatives, plus
 * those representatives' exact copies; its {@code cluster_id} is the smallest representative id in it. The keeper
 * is chosen by {@link dev.spindle.dedup.KeepRule} (most bytes, then smallest id), first within each exact group,
 * then among the representatives of the cluster. Removed documents point at the final keeper.
 *
 * <p>The input is read twice (features, then the kept rows); callers reading an expensive plan should persist it.
 */
public final class SparkDedup {
  private SparkDedup() {}

  /**
   * Writes outputDir/kept (docs schema, deterministic order) and outputDir/duplicates (id, source, cluster_id,
   * kept_id, kind = "exact"|"near") as Parquet, plus outputDir/pairs; returns the report.
   */
  public static DedupReport run(SparkSession spark, Dataset<Row> docs, DedupConfig config, String outputDir) {
    requireNonNull(spark, "spark is null");
    requireNonNull(docs, "docs is null");
    requireNonNull(config, "config is null");
    requireNonNull(outputDir, "outputDir is null");
    List<String> missing = new ArrayList<>();
    for (String column : List.of("id", "source", "text", "bytes")) {
      if (!Arrays.asList(docs.columns()).contains(column)) {
        missing.add(column);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("Cannot dedup: input lacks columns " + missing
          + " (expected the docs schema id, source, text, bytes; got " + Arrays.toString(docs.columns()) + ")");
    }
    LshParameters lsh = config.lsh();
    int partitions = spark.sessionState().conf().numShufflePartitions();
    Map<String, Double> phases = new LinkedHashMap<>();
    List<Dataset<?>> persisted = new ArrayList<>();
    try {
      long start = System.nanoTime();
      Dataset<Row> features = keep(persisted, SparkDocumentFeatures.compute(docs, config));
      features.count();
      start = lap(phases, "signatures", start);

      Dataset<Row> exact = keep(persisted, SparkExactDuplicates.representatives(features));
      exact.count();
      Dataset<Row> representatives =
          features.join(exact.filter(col("id").equalTo(col("representative"))).select("id"), "id");
      start = lap(phases, "exact", start);

      SparkCandidatePairs.Result candidates = SparkCandidatePairs.find(representatives, config.maxBucketSize());
      Dataset<Row> candidatePairs = keep(persisted, candidates.pairs());
      long candidateCount = candidatePairs.count();
      long oversized = candidates.oversizedBuckets().count();
      Dataset<Row> verified = keep(persisted,
          SparkPairVerification.verify(candidatePairs, representatives, config.verification(), config.threshold()));
      long verifiedCount = verified.count();
      start = lap(phases, "banding", start);

      SparkConnectedComponents.Result components = SparkConnectedComponents.find(verified.select("left", "right"));
      Dataset<Row> clusters = keep(persisted, components.components());
      clusters.count();
      start = lap(phases, "components", start);

      Dataset<Row> assignments = keep(persisted, assign(exact, clusters));
      write(assignments.filter(col("kind").notEqual("kept")).select("id", "source", "cluster_id", "kept_id", "kind"),
          partitions, outputDir + "/duplicates");
      write(verified.withColumnRenamed("left", "id"), partitions, outputDir + "/pairs");
      Dataset<Row> keptIds = assignments.filter(col("kind").equalTo("kept")).select("id");
      write(docs.join(keptIds, docs.col("id").equalTo(keptIds.col("id")), "left_semi"), partitions, outputDir + "/kept");
      SparkDedupReport.Counts counts = SparkDedupReport.summarize(assignments);
      lap(phases, "filter", start);

      return new DedupReport(config, lsh.bands(), lsh.rows(), lsh.falsePositiveArea(config.threshold()),
          lsh.falseNegativeArea(config.threshold()), counts.sources(), counts.totals(), candidateCount, verifiedCount,
          oversized, components.rounds(), phases);
    } finally {
      persisted.forEach(Dataset::unpersist);
    }
  }

  /**
   * Final fate of every document: {@code id, source, representative, cluster_id, kept_id, kind} with kind kept,
   * exact or near.
   */
  static Dataset<Row> assign(Dataset<Row> exact, Dataset<Row> clusters) {
    Dataset<Row> withCluster =
        exact.join(clusters, exact.col("representative").equalTo(clusters.col("node")), "left")
            .select(col("id"), col("source"), col("bytes"), col("representative"),
                coalesce(col("component"), col("representative")).as("cluster_id"));
    // Keep rule as an aggregate: the minimum of (-bytes, id) is the longest text, then the smallest id.
    Dataset<Row> keepers =
        withCluster.filter(col("id").equalTo(col("representative")))
            .groupBy("cluster_id")
            .agg(min(struct(col("bytes").multiply(-1).as("negative_bytes"), col("id"))).getField("id").as("kept_id"));
    return withCluster.join(keepers, "cluster_id")
        .select(col("id"), col("source"), col("representative"), col("cluster_id"), col("kept_id"),
            when(col("id").equalTo(col("kept_id")), lit("kept"))
                .when(col("id").notEqual(col("representative")), lit("exact"))
                .otherwise(lit("near"))
                .as("kind"));
  }

  /**
   * Sorted by id, then by the other columns: ids repeat in {@code pairs} (one row per pair), and rows that tie on
   * id would otherwise keep the order in which shuffle blocks arrived, which differs between runs.
   */
  private static void write(Dataset<Row> rows, int partitions, String path) {
    String[] rest = Arrays.stream(rows.columns()).filter(c -> !c.equals("id")).toArray(String[]::new);
    rows.repartition(partitions, col("id")).sortWithinPartitions("id", rest).write().mode(SaveMode.Overwrite)
        .parquet(path);
  }

  private static Dataset<Row> keep(List<Dataset<?>> persisted, Dataset<Row> dataset) {
    Dataset<Row> stored = dataset.persist(StorageLevel.MEMORY_AND_DISK());
    persisted.add(stored);
    return stored;
  }

  private static long lap(Map<String, Double> phases, String phase, long start) {
    long now = System.nanoTime();
    phases.put(phase, (now - start) / 1e9);
    return now;
  }
}
