package dev.spindle.dedup.spark;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

import dev.spindle.dedup.AgainstCounts;
import dev.spindle.dedup.DedupConfig;
import dev.spindle.dedup.DedupReport;
import dev.spindle.dedup.LshParameters;
import dev.spindle.schema.Docs;
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
 * <p>Outputs under {@code outputDir}: {@code kept} (the input's rows of kept documents, every column of the input,
 * e.g. the keep policy's score, carried as it is), {@code duplicates}
 * ({@code id, source, cluster_id, kept_id, kind, kept_run}), {@code pairs} (the verified near-duplicate edges
 * between exact-group representatives: {@code id, right, similarity}, for audit and quality evaluation) and
 * {@code index} (the kept documents' signatures, {@link SparkSignatureIndex}, for later runs to dedup against).
 * All are hash-partitioned by id into {@code spark.sql.shuffle.partitions} files and sorted by id within each, so
 * the same input, config and seed give the same files.
 *
 * <p>A cluster is a connected component of the near-duplicate graph between exact-group representatives, plus
 * those representatives' exact copies; its {@code cluster_id} is the smallest representative id in it. The keeper
 * is chosen by the keep policy ({@link SparkKeepKey}), first within each exact group, then among the
 * representatives of the cluster. Removed documents point at the final keeper.
 *
 * <p>With {@code against} (earlier runs' outputs), the documents those runs kept join the graph as nodes that
 * always win: a new document whose cluster holds one is removed (kind exact or near, {@code kept_run} naming the
 * run), which gives new documents the same answers as deduplicating the earlier kept documents and the new ones
 * from scratch with earlier documents preferred. Pairs between two earlier documents are not formed (those runs
 * are not revisited: their outputs are only read), and no output row describes an earlier document.
 *
 * <p>The input is read twice (features, then the kept rows), three times with exact verification (the candidates'
 * shingles); callers reading an expensive plan should persist it.
 */
public final class SparkDedup {
  private SparkDedup() {}

  /** Runs dedup on {@code docs} (id, source, text, bytes, and the keep policy's column if any); see the class. */
  public static DedupReport run(SparkSession spark, Dataset<Row> docs, DedupConfig config, String outputDir) {
    requireNonNull(spark, "spark is null");
    requireNonNull(docs, "docs is null");
    requireNonNull(config, "config is null");
    requireNonNull(outputDir, "outputDir is null");
    List<String> missing = Docs.missing(docs.schema(), Docs.WITH_TEXT);
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("Cannot dedup: input lacks columns " + missing
          + " (expected the docs schema " + String.join(", ", Docs.WITH_TEXT.fieldNames()) + "; got "
          + Arrays.toString(docs.columns()) + ")");
    }
    LshParameters lsh = config.lsh();
    int partitions = spark.sessionState().conf().numShufflePartitions();
    int newOrigin = config.against().size();
    Map<String, Double> phases = new LinkedHashMap<>();
    List<Dataset<?>> persisted = new ArrayList<>();
    try {
      long start = System.nanoTime();
      Dataset<Row> keyed = docs.withColumn(SparkKeepKey.COLUMN, SparkKeepKey.of(config.keep(), docs, newOrigin));
      Dataset<Row> features = SparkDocumentFeatures.compute(keyed, config);
      Dataset<Row> texts = docs.select("id", "text");
      List<Long> indexed = new ArrayList<>();
      for (int run = 0; run < config.against().size(); run++) {
        SparkSignatureIndex.Earlier earlier = SparkSignatureIndex.read(spark, config.against().get(run), run, config);
        features = features.union(earlier.features());
        texts = texts.union(earlier.texts());
        indexed.add(earlier.documents());
      }
      features = keep(persisted, features);
      features.count();
      start = lap(phases, "signatures", start);

      Dataset<Row> exact = keep(persisted, SparkExactDuplicates.representatives(features));
      exact.count();
      Dataset<Row> representatives =
          features.join(exact.filter(col("id").equalTo(col("representative"))).select("id"), "id");
      start = lap(phases, "exact", start);

      SparkCandidatePairs.Result candidates = SparkCandidatePairs.find(representatives, config.maxBucketSize());
      Dataset<Row> pairs = candidates.pairs();
      if (newOrigin > 0) {
        // Earlier runs are not revisited: a pair of two of their documents cannot change a new document's fate.
        pairs = pairs.filter(not(SparkSignatureIndex.isEarlier(col("left")).and(SparkSignatureIndex.isEarlier(col("right")))));
      }
      Dataset<Row> candidatePairs = keep(persisted, pairs);
      long candidateCount = candidatePairs.count();
      long oversized = candidates.oversizedBuckets().count();
      Dataset<Row> verified = keep(persisted, SparkPairVerification.verify(candidatePairs, representatives, texts,
          config.verification(), config.threshold(), config.ngram()));
      long verifiedCount = verified.count();
      start = lap(phases, "banding", start);

      SparkConnectedComponents.Result components = SparkConnectedComponents.find(verified.select("left", "right"));
      Dataset<Row> clusters = keep(persisted, components.components());
      clusters.count();
      start = lap(phases, "components", start);

      Dataset<Row> assignments = keep(persisted, assign(exact, clusters)
          .filter(not(SparkSignatureIndex.isEarlier(col("id")))));
      write(assignments.filter(col("kind").notEqual("kept"))
              .select(col("id"), col("source"), SparkSignatureIndex.originalId(col("cluster_id")).as("cluster_id"),
                  SparkSignatureIndex.originalId(col("kept_id")).as("kept_id"), col("kind"),
                  keptRun(config.against()).as("kept_run")),
          partitions, outputDir + "/duplicates");
      write(verified.select(SparkSignatureIndex.originalId(col("left")).as("id"),
              SparkSignatureIndex.originalId(col("right")).as("right"), col("similarity")),
          partitions, outputDir + "/pairs");
      Dataset<Row> keptIds = assignments.filter(col("kind").equalTo("kept")).select("id");
      write(docs.join(keptIds, docs.col("id").equalTo(keptIds.col("id")), "left_semi"), partitions, outputDir + "/kept");
      SparkSignatureIndex.write(features.join(keptIds, "id"), config, outputDir, partitions);
      SparkDedupReport.Counts counts = SparkDedupReport.summarize(assignments);
      List<AgainstCounts> against = againstCounts(assignments, config.against(), indexed);
      lap(phases, "filter", start);

      return new DedupReport(config, lsh.bands(), lsh.rows(), lsh.falsePositiveArea(config.threshold()),
          lsh.falseNegativeArea(config.threshold()), counts.sources(), counts.totals(), candidateCount, verifiedCount,
          oversized, components.rounds(), phases, against);
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
            .select(col("id"), col("source"), col(SparkKeepKey.COLUMN), col("representative"),
                coalesce(col("component"), col("representative")).as("cluster_id"));
    // The keep policy as an aggregate: the smallest keep key among the cluster's representatives.
    Dataset<Row> keepers =
        withCluster.filter(col("id").equalTo(col("representative")))
            .groupBy("cluster_id")
            .agg(min(col(SparkKeepKey.COLUMN)).getField("id").as("kept_id"));
    return withCluster.join(keepers, "cluster_id")
        .select(col("id"), col("source"), col("representative"), col("cluster_id"), col("kept_id"),
            when(col("id").equalTo(col("kept_id")), lit("kept"))
                .when(col("id").notEqual(col("representative")), lit("exact"))
                .otherwise(lit("near"))
                .as("kind"));
  }

  /** The earlier run directory whose document is the keeper, or null when the keeper is from this run. */
  private static org.apache.spark.sql.Column keptRun(List<String> against) {
    org.apache.spark.sql.Column run = SparkSignatureIndex.earlierRun(col("kept_id"));
    org.apache.spark.sql.Column directory = lit(null).cast("string");
    for (int i = against.size() - 1; i >= 0; i--) {
      directory = when(run.equalTo(i), lit(against.get(i))).otherwise(directory);
    }
    return directory;
  }

  private static List<AgainstCounts> againstCounts(Dataset<Row> assignments, List<String> against, List<Long> indexed) {
    List<AgainstCounts> out = new ArrayList<>();
    if (against.isEmpty()) {
      return out;
    }
    long[][] removed = new long[against.size()][2];
    for (Row row : assignments.filter(SparkSignatureIndex.isEarlier(col("kept_id")))
        .groupBy(SparkSignatureIndex.earlierRun(col("kept_id")).as("run"), col("kind"))
        .agg(count("id"))
        .collectAsList()) {
      removed[row.getInt(0)][row.getString(1).equals("exact") ? 0 : 1] += row.getLong(2);
    }
    for (int i = 0; i < against.size(); i++) {
      out.add(new AgainstCounts(against.get(i), indexed.get(i), removed[i][0], removed[i][1]));
    }
    return out;
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
