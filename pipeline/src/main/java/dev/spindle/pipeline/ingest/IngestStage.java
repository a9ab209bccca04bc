package dev.spindle.pipeline.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.typesafe.config.Config;
import dev.spindle.pipeline.stage.Stage;
import dev.spindle.pipeline.stage.StageContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;

/**
 * Stage {@code ingest}: inputs → {@code docs} (id, source, text, bytes) + {@code rejected} (source, location,
 * reason, raw). The report proves, per source, {@code records = kept + rejected}.
 */
public final class IngestStage implements Stage {
  private final List<InputSpec> inputs;

  public IngestStage(List<InputSpec> inputs) {
    this.inputs = List.copyOf(inputs);
  }

  /** The inputs named in {@code spindle.inputs}. */
  public static List<InputSpec> inputsFrom(Config spindle) {
    List<InputSpec> out = new ArrayList<>();
    for (Config entry : spindle.getConfigList("inputs")) {
      out.add(new InputSpec(entry.getString("source"), Path.of(entry.getString("path"))));
    }
    return out;
  }

  @Override
  public String name() {
    return "ingest";
  }

  @Override
  public String fingerprint(StageContext context) {
    return context.config().getValue("ingest").render(com.typesafe.config.ConfigRenderOptions.concise())
        + inputs;
  }

  /** Per-source counts: {@code records} is counted by the readers, independently of the kept/rejected rows. */
  public record SourceCounts(
      long files, long records, long kept, long rejected, long bytes, long replacedUtf8,
      Map<String, Long> rejectedByReason) {}

  /** The stage report. */
  public record Report(
      long records, long kept, long rejected, boolean reconciled, Map<String, SourceCounts> sources,
      List<InputSpec> inputs) {}

  @Override
  public Object run(StageContext context) {
    IngestConfig config = IngestConfig.from(context.config());
    SparkIngest.Result result = SparkIngest.read(context.spark(), inputs, config);
    try {
      result.docs().write().parquet(context.workDir().resolve("docs").toString());
      result.rejected().write().parquet(context.workDir().resolve("rejected").toString());
      long writtenDocs = context.spark().read().parquet(context.workDir().resolve("docs").toString()).count();
      long writtenRejected =
          context.spark().read().parquet(context.workDir().resolve("rejected").toString()).count();
      Report report = report(result, writtenDocs, writtenRejected);
      context.progress().line("ingest: %d records -> %d docs, %d rejected", report.records(), report.kept(),
          report.rejected());
      if (!report.reconciled()) {
        throw new IllegalStateException("ingest lost records: " + report);
      }
      return report;
    } finally {
      result.release();
    }
  }

  private Report report(SparkIngest.Result result, long writtenDocs, long writtenRejected) {
    Map<String, SourceCounts> sources = new TreeMap<>();
    List<Row> perSource =
        result.records()
            .groupBy("source")
            .agg(
                sum(when(col("kind").equalTo("stat"), 1).otherwise(0)).as("files"),
                sum(when(col("kind").equalTo("doc"), 1).otherwise(0)).as("kept"),
                sum(when(col("kind").equalTo("rejected"), 1).otherwise(0)).as("rejected"),
                sum(when(col("kind").equalTo("doc"), col("bytes")).otherwise(0)).as("bytes"),
                sum(when(col("kind").equalTo("stat"), col("replaced_utf8")).otherwise(0)).as("replaced"),
                sum(when(col("kind").equalTo("stat"), col("records")).otherwise(0)).as("records"))
            .collectAsList();
    Map<String, Map<String, Long>> reasons = new TreeMap<>();
    for (Row row :
        result.rejected()
            .withColumn("category", org.apache.spark.sql.functions.substring_index(col("reason"), ":", 1))
            .groupBy("source", "category")
            .agg(count(lit(1)).as("n"))
            .collectAsList()) {
      reasons.computeIfAbsent(row.getString(0), k -> new TreeMap<>()).put(row.getString(1), row.getLong(2));
    }
    long records = 0;
    long kept = 0;
    long rejected = 0;
    for (Row row : perSource) {
      String source = row.getString(0);
      long k = row.getLong(2);
      long r = row.getLong(3);
      long files = row.getLong(1);
      long read = row.isNullAt(6) ? 0 : row.getLong(6);
      long rejectedByReason = reasons.getOrDefault(source, Map.of()).values().stream().mapToLong(Long::longValue)
          .sum();
      if (rejectedByReason != r) {
        throw new IllegalStateException(
            "ingest counts disagree for " + source + ": " + r + " rejected vs " + rejectedByReason + " written");
      }
      sources.put(source, new SourceCounts(files, read, k, r, row.isNullAt(4) ? 0 : row.getLong(4),
          row.isNullAt(5) ? 0 : row.getLong(5), reasons.getOrDefault(source, Map.of())));
      records += read;
      kept += k;
      rejected += r;
    }
    boolean reconciled = records == kept + rejected && writtenDocs == kept && writtenRejected == rejected;
    return new Report(records, kept, rejected, reconciled, sources, inputs);
  }
}
