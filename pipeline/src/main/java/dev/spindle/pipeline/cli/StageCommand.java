package dev.spindle.pipeline.cli;

import com.typesafe.config.Config;
import dev.spindle.pipeline.spark.SparkSessions;
import dev.spindle.pipeline.stage.Progress;
import dev.spindle.pipeline.stage.Stage;
import dev.spindle.pipeline.stage.StageRunner;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** Runs one stage on explicit input and output directories (the per-stage subcommands). */
final class StageCommand {
  private StageCommand() {}

  static StageRunner.Outcome run(Config config, Progress progress, Stage stage, Map<String, Path> inputs,
      Path output) {
    SparkSession spark = SparkSessions.create(config);
    try {
      StageRunner.Outcome outcome = new StageRunner(spark, config, progress).run(stage, inputs, output);
      System.out.println(stage.name() + ": " + (outcome.skipped() ? "up to date" : "done") + " -> "
          + output.resolve(StageRunner.REPORT));
      return outcome;
    } finally {
      spark.stop();
    }
  }

  static Map<String, Object> flags(Object... keysAndValues) {
    Map<String, Object> flags = new java.util.LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      if (keysAndValues[i + 1] != null) {
        flags.put((String) keysAndValues[i], keysAndValues[i + 1]);
      }
    }
    return flags;
  }
}
