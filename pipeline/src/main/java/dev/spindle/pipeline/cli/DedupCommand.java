package dev.spindle.pipeline.cli;

import dev.spindle.pipeline.Pipeline.StageName;
import dev.spindle.pipeline.ingest.InputSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "dedup",
    mixinStandardHelpOptions = true,
    description = {
      "Ingest sources, then remove exact and near-duplicate documents.",
      "Exact: normalized text. Near: MinHash over word n-grams + LSH, connected",
      "components, one deterministic keeper per cluster. DIR is a run directory:",
      "DIR/ingest (docs, rejected) and DIR/dedup (kept, duplicates, pairs, index), each",
      "with report.json. The last line accounts for every record read:",
      "read = kept + removed + rejected, and says where the rejected ones are."
    })
public final class DedupCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--input", required = true, paramLabel = "SOURCE=PATH",
      description = "A source name and a file or directory of .jsonl[.gz|.zst] or .parquet (repeatable).")
  List<String> inputs;

  @Option(names = "--output", required = true, paramLabel = "DIR",
      description = "Run directory: new, empty, or one Spindle wrote.")
  Path output;

  @Option(names = "--against", paramLabel = "DIR", descriptionKey = "spindle.dedup.against",
      description = "An earlier run's dedup directory (repeatable): documents that duplicate one it kept are"
          + " removed; it is only read.")
  List<String> against;

  @Option(names = "--scope", paramLabel = "global|local", descriptionKey = "spindle.dedup.scope",
      description = "global: across sources; local: within each source (default: ${DEFAULT-VALUE}).")
  String scope;

  @Option(names = "--threshold", paramLabel = "J", descriptionKey = "spindle.dedup.threshold",
      description = "Jaccard similarity threshold (default: ${DEFAULT-VALUE}).")
  Double threshold;

  @Option(names = "--ngram", paramLabel = "N", descriptionKey = "spindle.dedup.ngram",
      description = "Word n-gram shingle size (default: ${DEFAULT-VALUE}).")
  Integer ngram;

  @Option(names = "--permutations", paramLabel = "K", descriptionKey = "spindle.dedup.permutations",
      description = "MinHash permutations (default: ${DEFAULT-VALUE}).")
  Integer permutations;

  @Override
  public Integer call() {
    List<InputSpec> specs = inputs.stream().map(InputSpec::parse).toList();
    var config = common.config(StageCommand.rawRun(specs, output));
    StageCommand.runChain("dedup", config, common.progress(), List.of(StageName.INGEST, StageName.DEDUP), null,
        output);
    return 0;
  }
}
