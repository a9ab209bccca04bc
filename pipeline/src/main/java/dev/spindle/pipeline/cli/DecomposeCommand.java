package dev.spindle.pipeline.cli;

import dev.spindle.pipeline.decompose.DecomposeStage;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "decompose",
    mixinStandardHelpOptions = true,
    description = {
      "Cut documents into power-of-two length buckets (Dataset Decomposition).",
      "Each document (+EOS) becomes pieces of 2^k+1 tokens, largest bucket first;",
      "or --mode concat-chunk (the usual fixed-length baseline). Input: docs with `tokens` or `text`.",
      "Writes DIR/buckets/length=L/*.parquet and DIR/manifest.json."
    })
public final class DecomposeCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--input", required = true, paramLabel = "DIR", description = "Docs directory (Parquet).")
  Path input;

  @Option(names = "--output", required = true, paramLabel = "DIR", description = "Output directory.")
  Path output;

  @Option(names = "--tokenizer", paramLabel = "NAME", description = "r50k, cl100k, o200k or bytes.")
  String tokenizer;

  @Option(names = "--min-length", paramLabel = "L", description = "Smallest bucket, a power of two (default 256).")
  Integer minLength;

  @Option(names = "--max-length", paramLabel = "L", description = "Largest bucket, a power of two (default 8192).")
  Integer maxLength;

  @Option(names = "--mode", paramLabel = "dd|concat-chunk", description = "Decomposition mode (default dd).")
  String mode;

  @Override
  public Integer call() {
    var config = common.config(StageCommand.flags("tokenize.tokenizer", tokenizer, "decompose.min-length", minLength,
        "decompose.max-length", maxLength, "decompose.mode", mode));
    StageCommand.run(config, common.progress(), new DecomposeStage(), Map.of("docs", input), output);
    return 0;
  }
}
