package dev.spindle.pipeline.cli;

import dev.spindle.pipeline.ingest.IngestStage;
import dev.spindle.pipeline.ingest.InputSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Read sources into one docs table, quarantining bad records.",
      "JSON Lines (.jsonl, .jsonl.gz, .jsonl.zst) or Parquet into DIR/docs",
      "(id, source, text, bytes); bad records go to DIR/rejected with file:line",
      "and reason. A corrupt or truncated file stops the run with one line naming",
      "it; with --corrupt-files quarantine its readable records are kept and the",
      "break is one more rejected record."
    })
public final class IngestCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--input", required = true, paramLabel = "SOURCE=PATH",
      description = "A source name and a file or directory (repeatable).")
  List<String> inputs;

  @Option(names = "--output", required = true, paramLabel = "DIR",
      description = "Output directory: new, empty, or an earlier ingest output.")
  Path output;

  @Option(names = "--corrupt-files", paramLabel = "fail|quarantine", descriptionKey = "spindle.ingest.corrupt-files",
      description = "What a corrupt or unreadable file does (default: ${DEFAULT-VALUE}).")
  String corruptFiles;

  @Override
  public Integer call() {
    List<InputSpec> specs = inputs.stream().map(InputSpec::parse).toList();
    StageCommand.runStage("ingest", common.config(), common.progress(), new IngestStage(specs), Map.of(), output);
    return 0;
  }
}
