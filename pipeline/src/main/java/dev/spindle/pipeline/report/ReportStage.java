package dev.spindle.pipeline.report;

import dev.spindle.pipeline.stage.Stage;
import dev.spindle.pipeline.stage.StageContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Stage {@code report}: reads the committed stages of a run (input {@code run}) and writes {@code index.html} with
 * PNG charts beside it. Stages that are missing are listed as such, so a partial run still gets a report.
 */
public final class ReportStage implements Stage {
  /** What the report contains. */
  public record Report(
      String html, Map<String, Boolean> stages, java.util.List<String> charts, Double unigramEntropyNats) {}

  @Override
  public String name() {
    return "report";
  }

  /**
   * The run's stage folders, not the run directory itself, which holds this stage's own output: the runner
   * refuses an output that lies inside something the stage reads.
   */
  @Override
  public java.util.Collection<Path> reads(Map<String, Path> inputs) {
    Path run = inputs.get("run");
    if (run == null || !Files.isDirectory(run)) {
      return inputs.values();
    }
    try (java.util.stream.Stream<Path> children = Files.list(run)) {
      return children.filter(Files::isDirectory).filter(c -> !c.getFileName().toString().startsWith(name())).toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Cannot list " + run, e);
    }
  }

  @Override
  public Object run(StageContext context) throws Exception {
    Path run = context.input("run");
    java.util.OptionalDouble entropy = UnigramEntropy.of(context.spark(), run);
    RunReport report = RunReport.build(run, context.workDir(), entropy);
    Files.writeString(context.workDir().resolve("index.html"), report.html());
    context.progress().line("report: %s", run.resolve("report").resolve("index.html").toAbsolutePath());
    return new Report("index.html", report.stages(), report.charts(),
        entropy.isPresent() ? entropy.getAsDouble() : null);
  }
}
