package dev.spindle.pipeline;

import com.typesafe.config.Config;
import dev.spindle.pipeline.decompose.DecomposeStage;
import dev.spindle.pipeline.dedup.DedupStage;
import dev.spindle.pipeline.export.ExportConfig;
import dev.spindle.pipeline.export.ExportStage;
import dev.spindle.pipeline.ingest.IngestStage;
import dev.spindle.pipeline.ingest.InputSpec;
import dev.spindle.pipeline.mix.MixStage;
import dev.spindle.pipeline.report.ReportStage;
import dev.spindle.pipeline.spark.SparkSessions;
import dev.spindle.pipeline.stage.Accounting;
import dev.spindle.pipeline.stage.OutputLock;
import dev.spindle.pipeline.stage.Ownership;
import dev.spindle.pipeline.stage.Progress;
import dev.spindle.pipeline.stage.Stage;
import dev.spindle.pipeline.stage.StageRunner;
import dev.spindle.pipeline.train.TrainStage;
import dev.spindle.pipeline.tokenize.TokenizeStage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/**
 * Stages composed over one run directory: which stage reads which folder. {@code run}/{@code demo} run the whole
 * chain (or a slice of it, whose earlier stages must be committed); a stage command that needs earlier stages
 * ({@code dedup} on raw files runs ingest first; {@code decompose} on text runs tokenize first) runs a shorter
 * chain, each stage reading the folder the previous one kept its records in. The run directory is locked while
 * the chain runs and must be new, empty or Spindle's own.
 */
public final class Pipeline {
  /** Stages in execution order; {@link #directory()} is the stage's folder under the run directory. */
  public enum StageName {
    INGEST(RunLayout.INGEST, null, IngestStage.DOCS),
    DEDUP(RunLayout.DEDUP, DedupStage.INPUT, DedupStage.KEPT),
    TOKENIZE(RunLayout.TOKENIZE, TokenizeStage.INPUT, TokenizeStage.OUTPUT),
    MIX(RunLayout.MIX, MixStage.INPUT, RunLayout.DOCS),
    DECOMPOSE(RunLayout.DECOMPOSE, DecomposeStage.INPUT, ""),
    TRAIN(RunLayout.TRAIN, TrainStage.INPUT, ""),
    EXPORT(RunLayout.EXPORT, ExportStage.INPUT, ""),
    REPORT(RunLayout.REPORT, ReportStage.INPUT, "");

    private final String directory;
    private final String input;
    private final String keeps;

    StageName(String directory, String input, String keeps) {
      this.directory = directory;
      this.input = input;
      this.keeps = keeps;
    }

    /** The stage's folder under the run directory ({@link RunLayout}). */
    public String directory() {
      return directory;
    }

    public static StageName parse(String text) {
      for (StageName name : values()) {
        if (name.directory.equals(text.strip().toLowerCase(Locale.ROOT))) {
          return name;
        }
      }
      throw SpindleException.user("Unknown stage '%s' (expected one of %s)", text, RunLayout.STAGES);
    }
  }

  /** One planned step: the stage, its named inputs, its output directory. */
  record Step(StageName name, Stage stage, Map<String, Path> inputs, Path output) {}

  private final Config config;
  private final Path runDir;
  private final RunLayout layout;

  public Pipeline(Config config) {
    this.config = config;
    this.runDir = Path.of(config.getString("run-dir"));
    this.layout = new RunLayout(runDir);
  }

  public Path runDir() {
    return runDir;
  }

  /**
   * The steps of {@code chain}: the first reads {@code firstInput} (ingest reads {@code spindle.inputs}, export the
   * run's train and decompose folders, report the run directory), each next one the folder where the previous one
   * keeps its output.
   */
  List<Step> steps(List<StageName> chain, Path firstInput) {
    List<Step> steps = new ArrayList<>();
    Path previous = firstInput;
    for (StageName name : chain) {
      Path output = layout.stage(name.directory());
      Map<String, Path> inputs = switch (name) {
        case INGEST -> Map.of();
        case REPORT -> Map.of(name.input, runDir);
        case EXPORT -> Map.of(name.input, layout.stage(RunLayout.TRAIN), ExportStage.DATA,
            layout.decompose());
        default -> {
          if (previous == null) {
            throw SpindleException.internal("Cannot plan %s: nothing to read (chain %s)", name, chain);
          }
          yield Map.of(name.input, previous);
        }
      };
      if (name == StageName.DEDUP) {
        inputs = DedupStage.withAgainst(inputs, config);
      }
      steps.add(new Step(name, stage(name), inputs, output));
      previous = name.keeps.isEmpty() ? output : output.resolve(name.keeps);
    }
    return steps;
  }

  private Stage stage(StageName name) {
    return switch (name) {
      case INGEST -> new IngestStage(IngestStage.inputsFrom(config));
      case DEDUP -> new DedupStage();
      case TOKENIZE -> new TokenizeStage();
      case MIX -> new MixStage();
      case DECOMPOSE -> new DecomposeStage();
      case TRAIN -> new TrainStage();
      case EXPORT -> new ExportStage();
      case REPORT -> new ReportStage();
    };
  }

  /**
   * The whole pipeline from {@code from} to {@code to} (export only when {@code export.enabled}); the stages before
   * {@code from} must be committed, but for the optional end products export and report.
   */
  public List<StageRunner.Outcome> run(StageName from, StageName to, boolean fresh, Progress progress) {
    if (from.ordinal() > to.ordinal()) {
      throw SpindleException.user("Cannot run: --from %s comes after --to %s", from.directory(), to.directory());
    }
    boolean export = ExportConfig.from(config).enabled();
    List<StageName> chain = Arrays.stream(StageName.values()).filter(n -> n != StageName.EXPORT || export).toList();
    List<Step> all = steps(chain, null);
    if (!fresh) {
      for (Step step : all) {
        if (step.name().ordinal() < from.ordinal() && step.name() != StageName.REPORT
            && step.name() != StageName.EXPORT && !Ownership.isCommittedStage(step.output())) {
          throw SpindleException.user("Cannot start at %s: earlier stage %s is not committed in %s (run without "
              + "--from)", from.directory(), step.name().directory(), step.output());
        }
      }
    }
    return run(all.stream().filter(s -> s.name().ordinal() >= from.ordinal() && s.name().ordinal() <= to.ordinal())
        .toList(), fresh, progress);
  }

  /** Runs {@code chain} in the run directory, its first stage reading {@code firstInput}. */
  public List<StageRunner.Outcome> run(List<StageName> chain, Path firstInput, Progress progress) {
    return run(steps(chain, firstInput), false, progress);
  }

  private List<StageRunner.Outcome> run(List<Step> steps, boolean fresh, Progress progress) {
    if (steps.stream().anyMatch(s -> s.name() == StageName.DEDUP)) {
      // Dedup reads the run's ingest output: a keep score it does not carry fails now, not after ingest.
      DedupStage.requireScoreColumnIngested(config);
    }
    try (OutputLock lock = OutputLock.acquire(runDir, progress)) {
      if (steps.stream().anyMatch(s -> s.name() == StageName.INGEST)) {
        Ownership.requireApart(runDir, IngestStage.inputsFrom(config).stream().map(InputSpec::path).toList(),
            "the run directory");
      }
      Ownership.requireRunDirectory(runDir);
      if (fresh) {
        Ownership.deleteRunDirectory(runDir);
        progress.line("deleted %s (--fresh)", runDir);
      }
      List<StageRunner.Outcome> outcomes = new ArrayList<>();
      SparkSession spark = SparkSessions.create(config);
      try {
        StageRunner runner = new StageRunner(spark, config, progress);
        for (Step step : steps) {
          outcomes.add(runner.run(step.stage(), step.inputs(), step.output()));
        }
      } finally {
        spark.stop();
      }
      return outcomes;
    }
  }

  /**
   * The accounting that covers the most of a run: the last one that starts from the raw records (ingest), or else
   * the last one.
   */
  public static Optional<Accounting> accounting(List<StageRunner.Outcome> outcomes) {
    Optional<Accounting> last = Optional.empty();
    Optional<Accounting> fromIngest = Optional.empty();
    for (StageRunner.Outcome outcome : outcomes) {
      if (outcome.accounting().isPresent()) {
        last = outcome.accounting();
        if (last.get().readBy().equals(StageName.INGEST.directory())) {
          fromIngest = last;
        }
      }
    }
    return fromIngest.isPresent() ? fromIngest : last;
  }
}
