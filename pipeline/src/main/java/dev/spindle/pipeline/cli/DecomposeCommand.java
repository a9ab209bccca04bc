package dev.spindle.pipeline.cli;

import com.typesafe.config.Config;
import dev.spindle.pipeline.Pipeline.StageName;
import dev.spindle.pipeline.SpindleException;
import dev.spindle.pipeline.decompose.DecomposeConfig;
import dev.spindle.pipeline.decompose.DecomposeStage;
import dev.spindle.pipeline.spark.SparkSessions;
import dev.spindle.pipeline.tokenize.TokenizerKind;
import dev.spindle.pipeline.tokenize.TokenizerRecord;
import dev.spindle.schema.Docs;
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
      "DIR/tokenize, DIR/decompose). Tokenized docs keep the tokenizer they",
      "record (_tokenizer.json, written by tokenize and carried by mix)."
    })
public final class DecomposeCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Mixin StageInput io;

  @Option(names = "--tokenizer", paramLabel = "NAME", descriptionKey = "spindle.tokenize.tokenizer",
      description = "Tokenizer for text or raw input: r50k, cl100k, o200k or bytes (default: ${DEFAULT-VALUE}). "
          + "Tokenized input keeps its recorded tokenizer; naming another is refused.")
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
    StageCommand.checked(() -> DecomposeConfig.from(common.config()));
    if (io.ranOnRawFiles(common, StageName.TOKENIZE, StageName.DECOMPOSE)) {
      return 0;
    }
    Path docs = io.directory("decompose");
    Config config = common.config();
    if (holdsTokens(config, docs)) {
      requireSameTokenizer(docs);
      StageCommand.runStage(config, common.progress(), new DecomposeStage(), Map.of(DecomposeStage.INPUT, docs),
          io.output);
    } else {
      StageCommand.runChain(common.config(Map.of("run-dir", io.output.toString())), common.progress(),
          List.of(StageName.TOKENIZE, StageName.DECOMPOSE), docs, io.output);
    }
    return 0;
  }

  /**
   * Tokenized docs keep the tokenizer they record: the stage reads it from the data and never from the config, and a
   * {@code --tokenizer} that contradicts it is refused here rather than silently ignored.
   */
  private void requireSameTokenizer(Path docs) {
    TokenizerKind recorded = TokenizerRecord.of(docs);
    Object named = common.given("tokenize.tokenizer").orElse(null);
    if (named != null && TokenizerKind.fromConfigName(named.toString()) != recorded) {
      throw SpindleException.user("Cannot decompose %s as %s: its tokens were made by %s (recorded in %s); tokenized "
          + "input keeps its tokenizer (drop --tokenizer, or decompose the text to re-tokenize it)", docs, named,
          recorded.configName(), docs.resolve(TokenizerRecord.FILE_NAME));
    }
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
    if (!columns.contains(Docs.TOKENS) && !columns.contains(Docs.TEXT)) {
      throw SpindleException.user("Cannot decompose %s: it holds neither 'tokens' nor 'text' (columns: %s)", docs,
          String.join(", ", columns));
    }
    return columns.contains(Docs.TOKENS);
  }
}
