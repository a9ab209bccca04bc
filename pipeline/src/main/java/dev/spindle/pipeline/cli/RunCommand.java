package dev.spindle.pipeline.cli;

import dev.spindle.pipeline.Pipeline;
import dev.spindle.pipeline.SpindleException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run the pipeline described by a config file.",
      "The file gives inputs, stage settings and the run directory.",
      "Stages: ingest, dedup, tokenize, mix, decompose, train, report. Committed stages with unchanged config",
      "are skipped, so re-running after a failure continues where it stopped."
    })
public final class RunCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--from", paramLabel = "STAGE", description = "First stage to run (default: ${DEFAULT-VALUE}).")
  String from = "ingest";

  @Option(names = "--to", paramLabel = "STAGE", description = "Last stage to run (default: ${DEFAULT-VALUE}).")
  String to = "report";

  @Option(names = "--run-dir", paramLabel = "DIR", descriptionKey = "spindle.run-dir",
      description = "Where the stage folders go: new, empty, or a Spindle run (default: ${DEFAULT-VALUE}).")
  Path runDir;

  @Override
  public Integer call() {
    if (common.conf == null) {
      throw SpindleException.user("Missing --conf FILE (see conf/demo.conf for an example)");
    }
    Pipeline pipeline = new Pipeline(common.config(Map.of()));
    var outcomes = pipeline.run(Pipeline.StageName.parse(from), Pipeline.StageName.parse(to), false,
        common.progress());
    System.out.println("run: done -> " + pipeline.runDir().toAbsolutePath().normalize()
        + Pipeline.accounting(outcomes).map(a -> "; " + a.describe()).orElse(""));
    return 0;
  }
}
