package dev.spindle.pipeline.cli;

import dev.spindle.pipeline.Pipeline;
import java.nio.file.Path;
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

  @Option(names = "--from", paramLabel = "STAGE", description = "First stage to run (default: ingest).")
  String from = "ingest";

  @Option(names = "--to", paramLabel = "STAGE", description = "Last stage to run (default: report).")
  String to = "report";

  @Option(names = "--run-dir", paramLabel = "DIR", description = "Override spindle.run-dir.")
  Path runDir;

  @Override
  public Integer call() {
    if (common.conf == null) {
      throw new IllegalArgumentException("Missing --conf FILE (see conf/demo.conf for an example)");
    }
    var config = common.config(StageCommand.flags("run-dir", runDir == null ? null : runDir.toString()));
    Pipeline pipeline = new Pipeline(config);
    pipeline.run(Pipeline.StageName.parse(from), Pipeline.StageName.parse(to), common.progress());
    System.out.println("run: done -> " + pipeline.runDir().toAbsolutePath().normalize());
    return 0;
  }
}
