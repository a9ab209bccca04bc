package dev.spindle.pipeline.cli;

import com.typesafe.config.Config;
import dev.spindle.pipeline.Pipeline.StageName;
import dev.spindle.pipeline.SpindleException;
import dev.spindle.pipeline.decompose.DecomposeConfig;
import dev.spindle.pipeline.decompose.DecomposeStage;
import dev.spindle.pipeline.ingest.InputSpec;
import dev.spindle.pipeline.spark.SparkSessions;
import dev.spindle.pipeline.tokenize.spark.SparkTokenize;
import java.nio.file.Path;
import java.util.List;
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
      "or --mode concat-chunk (the usual fixed-length baseline). Given tokenized",
      "docs (tokenize or mix output), writes DIR/buckets/length=L/ and",
      "DIR/manifest.json. Given docs with text, or raw files as SOURCE=PATH, it",
      "runs the earlier stages first and DIR is a run directory (DIR/ingest,",
      "DIR/tokenize, DIR/decompose)."
    })
public final class DecomposeCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--input", required = true, paramLabel = "DIR|SOURCE=PATH",
      description = "A docs directory (tokenized or text), or raw files as SOURCE=PATH (repeatable).")
  List<String> inputs;

  @Option(names = "--output", required = true, paramLabel = "DIR",
      description = "Output directory: new, empty, or one Spindle wrote.")
  Path output;

  @Option(names = "--tokenizer", paramLabel = "NAME", descriptionKey = "spindle.tokenize.tokenizer",
      description = "r50k, cl100k, o200k or bytes (default: ${DEFAULT-VALUE}).")
  String tokenizer;

  @Option(names = "--min-length", paramLabel = "L", descriptionKey = "spindle.decompose.min-length",
      description = "Smallest bucket, a power of two (default: ${DEFAULT-VALUE}).")
  Integer minLength;

  @Option(names = "--max-length", paramLabel = "L", descriptionKey = "spindle.decompose.max-length",
      description = "Largest bucket, a power of two (default: ${DEFAULT-VALUE}).")
  Integer maxLength;

  @Option(names = "--mode", paramLabel = "dd|concat-chunk", descriptionKey = "spindle.decompose.mode",
      description = "Decomposition mode (default: ${DEFAULT-VALUE}).")
  String mode;

  @Override
  public Integer call() {
    List<InputSpec> raw = StageCommand.rawInputs(inputs);
    StageCommand.checked(() -> DecomposeConfig.from(common.config()));
    if (!raw.isEmpty()) {
      StageCommand.runChain("decompose", common.config(StageCommand.rawRun(raw, output)), common.progress(),
          List.of(StageName.INGEST, StageName.TOKENIZE, StageName.DECOMPOSE), null, output);
      return 0;
    }
    Path docs = StageCommand.directory("decompose", inputs.get(0));
    Config config = common.config();
    if (holdsTokens(config, docs)) {
      StageCommand.runStage("decompose", config, common.progress(), new DecomposeStage(),
          Map.of(DecomposeStage.INPUT, docs), output);
    } else {
      StageCommand.runChain("decompose", common.config(Map.of("run-dir", output.toString())), common.progress(),
          List.of(StageName.TOKENIZE, StageName.DECOMPOSE), docs, output);
    }
    return 0;
  }

  /** Tokenized docs go straight to decompose; docs with text are tokenized first. */
  private static boolean holdsTokens(Config config, Path docs) {
    List<String> columns;
    try {
      columns = List.of(SparkSessions.create(config).read().parquet(docs.toString()).schema().fieldNames());
    } catch (RuntimeException e) {
      throw SpindleException.user(e, "Cannot decompose %s: it is not a Parquet docs directory (%s)", docs,
          e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse(""));
    }
    if (!columns.contains(SparkTokenize.TOKENS) && !columns.contains("text")) {
      throw SpindleException.user("Cannot decompose %s: it holds neither 'tokens' nor 'text' (columns: %s)", docs,
          String.join(", ", columns));
    }
    return columns.contains(SparkTokenize.TOKENS);
  }
}
