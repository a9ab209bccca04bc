package dev.spindle.pipeline;

import com.typesafe.config.Config;
import dev.spindle.pipeline.decompose.DecomposeStage;
import dev.spindle.pipeline.dedup.DedupStage;
import dev.spindle.pipeline.export.ExportConfig;
import dev.spindle.pipeline.export.ExportStage;
import dev.spindle.pipeline.ingest.IngestStage;
import dev.spindle.pipeline.mix.MixStage;
import dev.spindle.pipeline.report.ReportStage;
import dev.spindle.pipeline.spark.SparkSessions;
import dev.spindle.pipeline.stage.Progress;
import dev.spindle.pipeline.stage.Stage;
import dev.spindle.pipeline.stage.StageRunner;
import dev.spindle.pipeline.tokenize.TokenizeStage;
import dev.spindle.pipeline.train.TrainStage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The whole pipeline over one run directory: which stage reads which directory. Stages run in order from
 * {@code from} to {@code to}; stages before {@code from} must already be committed.
 */
public final class Pipeline {
  /** Stages in execution order; {@link #directory()} is the stage's folder under the run directory. */
  public enum StageName {
    INGEST,
    DEDUP,
    TOKENIZE,
    MIX,
    DECOMPOSE,
    TRAIN,
    EXPORT,
    REPORT;

    public String directory() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static StageName parse(String text) {
      try {
        return valueOf(text.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "Unknown stage '" + text + "' (expected one of " + Arrays.toString(values()).toLowerCase(Locale.ROOT)
                + ")");
      }
    }
  }

  /** One planned step: the stage, its named inputs, its output directory. */
  record Step(StageName name, Stage stage, Map<String, Path> inputs, Path output) {}

  private final Config config;
  private final Path runDir;

  public Pipeline(Config config) {
    this.config = config;
    this.runDir = Path.of(config.getString("run-dir"));
  }

  public Path runDir() {
    return runDir;
  }

  List<Step> steps() {
    Path ingest = runDir.resolve("ingest");
    Path dedup = runDir.resolve("dedup");
    Path tokenize = runDir.resolve("tokenize");
    Path mix = runDir.resolve("mix");
    Path decompose = runDir.resolve("decompose");
    Path train = runDir.resolve("train");
    List<Step> steps = new ArrayList<>(List.of(
        new Step(StageName.INGEST, new IngestStage(IngestStage.inputsFrom(config)), Map.of(), ingest),
        new Step(StageName.DEDUP, new DedupStage(), Map.of("docs", ingest.resolve("docs")), dedup),
        new Step(StageName.TOKENIZE, new TokenizeStage(), Map.of("docs", dedup.resolve("kept")), tokenize),
        new Step(StageName.MIX, new MixStage(), Map.of("docs", tokenize.resolve("docs")), mix),
        new Step(StageName.DECOMPOSE, new DecomposeStage(), Map.of("docs", mix.resolve("docs")), decompose),
        new Step(StageName.TRAIN, new TrainStage(), Map.of("data", decompose), train)));
    if (ExportConfig.from(config).enabled()) {
      steps.add(new Step(StageName.EXPORT, new ExportStage(), Map.of("train", train, "data", decompose),
          runDir.resolve("export")));
    }
    steps.add(new Step(StageName.REPORT, new ReportStage(), Map.of("run", runDir), runDir.resolve("report")));
    return steps;
  }

  public List<StageRunner.Outcome> run(StageName from, StageName to, Progress progress) {
    if (from.ordinal() > to.ordinal()) {
      throw new IllegalArgumentException("Cannot run: --from " + from.directory() + " comes after --to "
          + to.directory());
    }
    List<Step> steps = steps();
    for (Step step : steps) {
      // Report and export are optional end products: a later stage can run without them.
      if (step.name().ordinal() < from.ordinal() && step.name() != StageName.REPORT && step.name() != StageName.EXPORT
          && !Files.isRegularFile(step.output().resolve(StageRunner.SUCCESS))) {
        throw new IllegalArgumentException("Cannot start at " + from.directory() + ": earlier stage "
            + step.name().directory() + " is not committed in " + step.output() + " (run without --from)");
      }
    }
    List<StageRunner.Outcome> outcomes = new ArrayList<>();
    SparkSession spark = SparkSessions.create(config);
    try {
      StageRunner runner = new StageRunner(spark, config, progress);
      for (Step step : steps) {
        if (step.name().ordinal() >= from.ordinal() && step.name().ordinal() <= to.ordinal()) {
          outcomes.add(runner.run(step.stage(), step.inputs(), step.output()));
        }
      }
    } finally {
      spark.stop();
    }
    return outcomes;
  }
}
