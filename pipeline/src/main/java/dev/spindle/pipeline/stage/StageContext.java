package dev.spindle.pipeline.stage;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What a stage sees while it runs.
 *
 * @param spark the session (local or cluster)
 * @param inputs named input locations, e.g. {@code docs -> run/dedup/kept}; each stage documents the names it reads
 * @param workDir the stage's uncommitted output directory; the runner renames it into place when {@code run} returns
 * @param config the whole {@code spindle} configuration block (defaults from {@code reference.conf} + user conf + flags)
 * @param progress where to report progress lines
 */
public record StageContext(
    SparkSession spark, Map<String, Path> inputs, Path workDir, Config config, Progress progress) {
  public StageContext {
    requireNonNull(spark, "spark is null");
    inputs = Map.copyOf(requireNonNull(inputs, "inputs is null"));
    requireNonNull(workDir, "workDir is null");
    requireNonNull(config, "config is null");
    requireNonNull(progress, "progress is null");
  }

  /** The named input; a missing one is a bug in the composition of stages. */
  public Path input(String name) {
    Path path = inputs.get(name);
    if (path == null) {
      throw dev.spindle.pipeline.SpindleException.internal(
          "Cannot run stage: input '%s' is not set (have %s)", name, inputs.keySet());
    }
    return path;
  }

  /** The named input read as a Parquet table: how the stages that take the previous stage's docs read them. */
  public Dataset<Row> readParquet(String name) {
    return spark.read().parquet(input(name).toString());
  }
}
