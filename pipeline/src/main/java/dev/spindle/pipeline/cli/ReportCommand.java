package dev.spindle.pipeline.cli;

import dev.spindle.pipeline.report.ReportStage;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = "Write RUN/report/index.html with charts for every committed stage of a run directory.")
public final class ReportCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--run", required = true, paramLabel = "DIR", description = "Run directory.")
  Path run;

  @Override
  public Integer call() {
    StageCommand.runStage("report", common.config(), common.progress(), new ReportStage(), Map.of("run", run),
        run.resolve("report"));
    return 0;
  }
}
