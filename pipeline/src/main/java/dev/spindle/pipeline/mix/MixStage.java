package dev.spindle.pipeline.mix;

import com.typesafe.config.ConfigRenderOptions;
import dev.spindle.mixing.MixConfig;
import dev.spindle.mixing.MixtureSpec;
import dev.spindle.mixing.spark.MixReport;
import dev.spindle.mixing.spark.SparkMixer;
import dev.spindle.pipeline.RunLayout;
import dev.spindle.pipeline.stage.Stage;
import dev.spindle.pipeline.stage.StageContext;
import dev.spindle.pipeline.tokenize.TokenizerRecord;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Stage {@code mix}: input {@code docs} (tokenized Parquet) → {@code docs} with epoch, phase, position and offset,
 * and the input's tokenizer record ({@code _tokenizer.json}) copied beside them.
 * The mixture comes from {@code spindle.mix} ({@link MixConfig}: a spec file or an inline spec, and an optional
 * seed override). The report is the returned {@link MixReport}, which the stage runner writes as report.json.
 */
public final class MixStage implements Stage {
  /** The tokenized docs it mixes. */
  public static final String INPUT = "docs";

  @Override
  public String name() {
    return RunLayout.MIX;
  }

  /** The spec in effect (file content, not its path), so editing the spec file re-runs the stage. */
  @Override
  public String fingerprint(StageContext context) {
    return MixConfig.from(context.config().getConfig("mix")).specBlock().root().render(ConfigRenderOptions.concise());
  }

  @Override
  public Object run(StageContext context) {
    MixtureSpec spec = MixConfig.from(context.config().getConfig("mix")).spec();
    Dataset<Row> docs = context.readParquet(INPUT);
    MixReport report = SparkMixer.run(context.spark(), docs, spec, context.workDir().toString());
    // The mixed tokens are the input's tokens: their tokenizer record goes with them.
    TokenizerRecord.copy(context.input(INPUT), context.workDir().resolve(RunLayout.DOCS));
    context.progress().line("mix: %d of %d documents, %d tokens (budget %d), %d cut at a boundary",
        report.documentsOut(), report.documentsIn(), report.tokensTaken(), report.totalTokens(), report.cuts().size());
    return report;
  }
}
