package dev.spindle.pipeline.mix;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import dev.spindle.mixing.spark.MixReport;
import dev.spindle.mixing.MixtureSpec;
import dev.spindle.mixing.spark.SparkMixer;
import dev.spindle.pipeline.stage.Stage;
import dev.spindle.pipeline.stage.StageContext;
import java.io.File;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Stage {@code mix}: input {@code docs} (tokenized Parquet) → {@code docs} with epoch, phase and position. The
 * mixture comes from {@code spindle.mix.spec-file} (a HOCON file, see conf/mixtures/) or the inline
 * {@code spindle.mix.spec} block; {@code spindle.mix.seed}, when set, overrides the spec's seed.
 */
public final class MixStage implements Stage {
  @Override
  public String name() {
    return "mix";
  }

  @Override
  public String fingerprint(StageContext context) {
    return specBlock(context.config()).root().render(ConfigRenderOptions.concise());
  }

  @Override
  public Object run(StageContext context) {
    MixtureSpec spec = MixtureSpec.from(specBlock(context.config()));
    Dataset<Row> docs = context.spark().read().parquet(context.input("docs").toString());
    MixReport report = SparkMixer.run(context.spark(), docs, spec, context.workDir().toString());
    context.progress().line("mix: %d of %d documents, %d tokens (budget %d)", report.documentsOut(),
        report.documentsIn(), report.tokensTaken(), report.totalTokens());
    return report;
  }

  /** The effective spec block: file or inline, with the seed override applied. */
  public static Config specBlock(Config spindle) {
    Config mix = spindle.getConfig("mix");
    Config block;
    if (mix.hasPath("spec-file") && !mix.getString("spec-file").isBlank()) {
      File file = new File(mix.getString("spec-file"));
      if (!file.isFile()) {
        throw new IllegalArgumentException("Cannot read mixture spec: " + file + " does not exist");
      }
      block = ConfigFactory.parseFile(file).resolve();
    } else if (mix.hasPath("spec")) {
      block = mix.getConfig("spec");
    } else {
      throw new IllegalArgumentException(
          "Cannot mix: no mixture spec (set spindle.mix.spec-file or spindle.mix.spec, or pass --spec FILE)");
    }
    if (mix.hasPath("seed")) {
      block = block.withValue("seed", ConfigValueFactory.fromAnyRef(mix.getLong("seed")));
    }
    return block;
  }
}
