package dev.spindle.pipeline.dedup;

import com.typesafe.config.Config;
import dev.spindle.dedup.DedupConfig;
import dev.spindle.dedup.DedupReport;
import dev.spindle.dedup.Scope;
import dev.spindle.dedup.Verification;
import dev.spindle.dedup.spark.SparkDedup;
import dev.spindle.pipeline.stage.Stage;
import dev.spindle.pipeline.stage.StageContext;
import dev.spindle.pipeline.stage.StageRecords;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Stage {@code dedup}: input {@code docs} (an ingest output's docs) → {@code kept}, {@code duplicates}, report. It
 * reads only ingested documents; {@code spindle dedup --input SOURCE=PATH} runs the ingest stage first.
 */
public final class DedupStage implements Stage {
  public static final String INPUT = "docs";
  public static final String KEPT = "kept";

  @Override
  public String name() {
    return "dedup";
  }

  @Override
  public Object run(StageContext context) {
    DedupConfig config = configFrom(context.config().getConfig("dedup"));
    Dataset<Row> docs = context.spark().read().parquet(context.input(INPUT).toString());
    DedupReport report = SparkDedup.run(context.spark(), docs, config, context.workDir().toString());
    context.progress().line("dedup: %s", summary(report));
    return report;
  }

  /** Documents in = kept + exact duplicates + near duplicates removed. */
  @Override
  public Optional<StageRecords> records(Object report) {
    var totals = ((DedupReport) report).totals();
    return Optional.of(new StageRecords(INPUT, KEPT, totals.input(), totals.kept(),
        Map.of("exact duplicate", totals.exactRemoved(), "near duplicate", totals.nearRemoved()), Map.of(), null));
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
