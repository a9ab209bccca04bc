package dev.spindle.pipeline.dedup;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import dev.spindle.dedup.DedupConfig;
import dev.spindle.dedup.DedupReport;
import dev.spindle.dedup.Scope;
import dev.spindle.dedup.Verification;
import dev.spindle.dedup.spark.SparkDedup;
import dev.spindle.pipeline.ingest.IngestConfig;
import dev.spindle.pipeline.ingest.IngestStage;
import dev.spindle.pipeline.ingest.InputSpec;
import dev.spindle.pipeline.ingest.SparkIngest;
import dev.spindle.pipeline.stage.Stage;
import dev.spindle.pipeline.stage.StageContext;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Stage {@code dedup}: input {@code docs} (ingested Parquet) → {@code kept}, {@code duplicates}, report. Given raw
 * inputs instead (the {@code spindle dedup --input SOURCE=PATH} command), it ingests them on the fly and writes
 * their rejected records to {@code rejected/}, so nothing read is lost from the accounting.
 */
public final class DedupStage implements Stage {
  private final List<InputSpec> rawInputs;

  public DedupStage() {
    this(List.of());
  }

  public DedupStage(List<InputSpec> rawInputs) {
    this.rawInputs = List.copyOf(rawInputs);
  }

  @Override
  public String name() {
    return "dedup";
  }

  @Override
  public String fingerprint(StageContext context) {
    String dedup = context.config().getValue("dedup").render(ConfigRenderOptions.concise());
    return rawInputs.isEmpty() ? dedup
        : dedup + context.config().getValue("ingest").render(ConfigRenderOptions.concise()) + rawInputs;
  }

  /** The dedup report, plus the ingest counts when this stage read raw inputs. */
  public record Report(DedupReport dedup, IngestStage.Report ingest) {}

  @Override
  public Object run(StageContext context) {
    DedupConfig config = configFrom(context.config().getConfig("dedup"));
    if (rawInputs.isEmpty()) {
      Dataset<Row> docs = context.spark().read().parquet(context.input("docs").toString());
      DedupReport report = SparkDedup.run(context.spark(), docs, config, context.workDir().toString());
      context.progress().line("dedup: %s", summary(report));
      return report;
    }
    SparkIngest.Result ingested =
        SparkIngest.read(context.spark(), rawInputs, IngestConfig.from(context.config()));
    try {
      ingested.rejected().write().parquet(context.workDir().resolve("rejected").toString());
      DedupReport report = SparkDedup.run(context.spark(), ingested.docs(), config, context.workDir().toString());
      context.progress().line("dedup: %s", summary(report));
      return report;
    } finally {
      ingested.release();
    }
  }

  /** Maps {@code spindle.dedup} onto the module's config record. */
  public static DedupConfig configFrom(Config c) {
    return DedupConfig.defaults()
        .withScope(Scope.valueOf(c.getString("scope").toUpperCase(Locale.ROOT)))
        .withThreshold(c.getDouble("threshold"))
        .withNgram(c.getInt("ngram"))
        .withPermutations(c.getInt("permutations"))
        .withSeed(c.getLong("seed"))
        .withMaxBucketSize(c.getInt("max-bucket-size"))
        .withVerification(Verification.valueOf(c.getString("verification").toUpperCase(Locale.ROOT)))
        .withErrorWeights(c.getDouble("false-positive-weight"), c.getDouble("false-negative-weight"));
  }

  private static String summary(DedupReport report) {
    var totals = report.totals();
    return String.format(Locale.ROOT, "%d documents -> %d kept (%d exact, %d near duplicates removed; %d x %d bands)",
        totals.input(), totals.kept(), totals.exactRemoved(), totals.nearRemoved(), report.bands(), report.rows());
  }
}
