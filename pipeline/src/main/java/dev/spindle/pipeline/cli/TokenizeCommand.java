package dev.spindle.pipeline.cli;

import dev.spindle.pipeline.Pipeline.StageName;
import dev.spindle.pipeline.ingest.InputSpec;
import dev.spindle.pipeline.tokenize.TokenizeStage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "tokenize",
    mixinStandardHelpOptions = true,
    description = {
      "Tokenize documents into DIR/docs (id, source, tokens, n_tokens).",
      "--input is a docs directory (id, source, text: ingest or dedup output), or",
      "raw files as SOURCE=PATH: they are ingested first, and DIR is then a run",
      "directory with DIR/ingest and DIR/tokenize."
    })
public final class TokenizeCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--input", required = true, paramLabel = "DIR|SOURCE=PATH",
      description = "A docs directory, or raw files as SOURCE=PATH (repeatable).")
  List<String> inputs;

  @Option(names = "--output", required = true, paramLabel = "DIR",
      description = "Output directory: new, empty, or one Spindle wrote.")
  Path output;

  @Option(names = "--tokenizer", paramLabel = "NAME", descriptionKey = "spindle.tokenize.tokenizer",
      description = "r50k, cl100k, o200k or bytes (default: ${DEFAULT-VALUE}).")
  String tokenizer;

  @Override
  public Integer call() {
    List<InputSpec> raw = StageCommand.rawInputs(inputs);
    if (!raw.isEmpty()) {
      StageCommand.runChain("tokenize", common.config(StageCommand.rawRun(raw, output)), common.progress(),
          List.of(StageName.INGEST, StageName.TOKENIZE), null, output);
      return 0;
    }
    Path docs = StageCommand.directory("tokenize", inputs.get(0));
    StageCommand.runStage("tokenize", common.config(), common.progress(), new TokenizeStage(),
        Map.of(TokenizeStage.INPUT, docs), output);
    return 0;
  }
}
