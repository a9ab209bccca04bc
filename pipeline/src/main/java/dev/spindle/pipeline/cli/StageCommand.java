package dev.spindle.pipeline.cli;

import com.typesafe.config.Config;
import dev.spindle.pipeline.Pipeline;
import dev.spindle.pipeline.SpindleException;
import dev.spindle.pipeline.ingest.InputSpec;
import dev.spindle.pipeline.spark.SparkSessions;
import dev.spindle.pipeline.stage.Accounting;
import dev.spindle.pipeline.stage.Progress;
import dev.spindle.pipeline.stage.Stage;
import dev.spindle.pipeline.stage.StageRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/**
 * How the per-stage commands run: one stage on explicit input and output directories, or, when a command must
 * first run earlier stages (raw files, text to tokenize), a chain of stages in a run directory, one folder per
 * stage. Either way the command ends with one line: where the result is and what happened to every record read.
 */
final class StageCommand {
  private StageCommand() {}

  /** Runs one stage writing {@code output}. */
  static void runStage(String command, Config config, Progress progress, Stage stage, Map<String, Path> inputs,
      Path output) {
    SparkSession spark = SparkSessions.create(config);
    try {
      StageRunner.Outcome outcome = new StageRunner(spark, config, progress).run(stage, inputs, output);
      printResult(command, List.of(outcome), output);
    } finally {
      spark.stop();
    }
  }

  /** Runs {@code chain} in the run directory {@code runDir}, the first stage reading {@code firstInput}. */
  static void runChain(String command, Config config, Progress progress, List<Pipeline.StageName> chain,
      Path firstInput, Path runDir) {
    List<StageRunner.Outcome> outcomes = new Pipeline(config).run(chain, firstInput, progress);
    printResult(command, outcomes, runDir);
  }

  /** {@code dedup: done -> DIR; 41 records read: 30 kept, 5 removed (...), 6 rejected (...) in DIR/ingest/rejected}. */
  static void printResult(String command, List<StageRunner.Outcome> outcomes, Path output) {
    boolean skipped = outcomes.stream().allMatch(StageRunner.Outcome::skipped);
    StageRunner.Outcome last = outcomes.get(outcomes.size() - 1);
    Optional<Accounting> accounting = last.accounting().or(() -> Pipeline.accounting(outcomes));
    String where = last.accounting().map(Accounting::keptIn)
        .orElse(last.output().toAbsolutePath().normalize().toString());
    System.out.println(command + ": " + (skipped ? "up to date" : "done") + " -> " + where
        + accounting.map(a -> "; " + a.describe()).orElse(""));
  }

  /** Overrides for a chain that starts with ingest: its inputs and the run directory. */
  static Map<String, Object> rawRun(List<InputSpec> inputs, Path runDir) {
    List<Map<String, String>> list = new ArrayList<>();
    for (InputSpec input : inputs) {
      list.add(Map.of("source", input.source(), "path", input.path().toAbsolutePath().normalize().toString()));
    }
    Map<String, Object> overrides = new LinkedHashMap<>();
    overrides.put("inputs", list);
    overrides.put("run-dir", runDir.toString());
    return overrides;
  }

  /**
   * The raw inputs when every {@code --input} is {@code SOURCE=PATH}; empty when the single {@code --input} is a
   * directory; an error for a mix of both or several directories.
   */
  static List<InputSpec> rawInputs(List<String> inputs) {
    List<InputSpec> raw = inputs.stream().filter(InputSpec::looksLike).map(InputSpec::parse).toList();
    if (raw.isEmpty() && inputs.size() == 1) {
      return raw;
    }
    if (raw.size() != inputs.size()) {
      throw SpindleException.user("Cannot mix --input forms (%s): give either one docs directory, or raw inputs as "
          + "SOURCE=PATH (repeatable)", String.join(", ", inputs));
    }
    return raw;
  }

  /**
   * Reads a config record before any work starts; the pure-logic modules' records reject bad values with
   * {@link IllegalArgumentException}, which is the user's config here.
   */
  static <T> T checked(java.util.function.Supplier<T> record) {
    try {
      return record.get();
    } catch (IllegalArgumentException | com.typesafe.config.ConfigException e) {
      throw SpindleException.user(e, "%s", e.getMessage());
    }
  }

  /** A docs directory given as {@code --input}, checked to exist. */
  static Path directory(String command, String input) {
    Path dir = Path.of(input);
    if (!Files.isDirectory(dir)) {
      throw SpindleException.user("Cannot %s %s: no such directory (give a docs directory, or raw files as "
          + "SOURCE=PATH)", command, dir);
    }
    return dir;
  }
}
