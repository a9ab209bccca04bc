package dev.spindle.pipeline.cli;

import dev.spindle.pipeline.tokenize.TokenizeStage;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "tokenize",
    mixinStandardHelpOptions = true,
    description = "Tokenize a docs directory (id, source, text) into DIR/docs (id, source, tokens, n_tokens).")
public final class TokenizeCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--input", required = true, paramLabel = "DIR", description = "Parquet docs directory.")
  Path input;

  @Option(names = "--output", required = true, paramLabel = "DIR", description = "Output directory.")
  Path output;

  @Option(names = "--tokenizer", paramLabel = "NAME", description = "r50k, cl100k, o200k or bytes.")
  String tokenizer;

  @Override
  public Integer call() {
    var config = common.config(StageCommand.flags("tokenize.tokenizer", tokenizer));
    StageCommand.run(config, common.progress(), new TokenizeStage(), Map.of("docs", input), output);
    return 0;
  }
}
