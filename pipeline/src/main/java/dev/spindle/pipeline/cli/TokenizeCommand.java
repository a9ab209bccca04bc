package dev.spindle.pipeline.cli;

import dev.spindle.pipeline.Pipeline.StageName;
import dev.spindle.pipeline.tokenize.TokenizeStage;
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

  @Mixin StageInput io;

  @Option(names = "--tokenizer", paramLabel = "NAME", descriptionKey = "spindle.tokenize.tokenizer",
      description = "r50k, cl100k, o200k or bytes (default: ${DEFAULT-VALUE}).")
  String tokenizer;

  @Override
  public Integer call() {
    if (!io.ranOnRawFiles(common, StageName.TOKENIZE)) {
      StageCommand.runStage(common.config(), common.progress(), new TokenizeStage(),
          Map.of(TokenizeStage.INPUT, io.directory("tokenize")), io.output);
    }
    return 0;
  }
}
