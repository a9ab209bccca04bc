package dev.spindle.pipeline.notebook;

import dev.spindle.pipeline.RunLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Registers a run's stage outputs as Spark SQL temporary views, for notebooks ({@code notebooks/*.zpln} call
 * {@code dev.spindle.pipeline.notebook.RunViews.register(spark, "RUN_DIR")} once, then query with
 * {@code %spark.sql}). Only committed outputs that exist are registered; the returned map says which.
 *
 * <pre>
 * ingest_docs, ingest_rejected        ingest/docs, ingest/rejected
 * dedup_kept, dedup_duplicates        dedup/kept, dedup/duplicates
 * tokenized                           tokenize/docs
 * mixed                               mix/docs
 * buckets                             decompose/buckets (column `length` from the length=L folders)
 * metrics                             train/metrics.jsonl
 * </pre>
 */
public final class RunViews {
  private RunViews() {}

  public static Map<String, String> register(SparkSession spark, String runDir) {
    Path run = Path.of(runDir);
    if (!Files.isDirectory(run)) {
      throw new IllegalArgumentException("Cannot register views: run directory " + runDir + " does not exist");
    }
    RunLayout layout = new RunLayout(run);
    Map<String, Path> parquet = new LinkedHashMap<>();
    parquet.put("ingest_docs", layout.ingestDocs());
    parquet.put("ingest_rejected", layout.ingestRejected());
    parquet.put("dedup_kept", layout.dedupKept());
    parquet.put("dedup_duplicates", layout.dedupDuplicates());
    parquet.put("tokenized", layout.tokenizedDocs());
    parquet.put("mixed", layout.mixedDocs());
    parquet.put("buckets", layout.buckets());
    Map<String, String> registered = new LinkedHashMap<>();
    parquet.forEach(
        (view, path) -> {
          if (Files.isDirectory(path)) {
            spark.read().parquet(path.toString()).createOrReplaceTempView(view);
            registered.put(view, path.toString());
          }
        });
    Path metrics = layout.metrics();
    if (Files.isRegularFile(metrics)) {
      spark.read().json(metrics.toString()).createOrReplaceTempView("metrics");
      registered.put("metrics", metrics.toString());
    }
    return registered;
  }
}
