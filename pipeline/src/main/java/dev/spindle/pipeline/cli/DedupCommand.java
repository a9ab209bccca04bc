package dev.spindle.pipeline.cli;

import dev.spindle.pipeline.dedup.DedupStage;
import dev.spindle.pipeline.ingest.InputSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "dedup",
    mixinStandardHelpOptions = true,
    description = {
      "Remove exact and near-duplicate documents.",
      "Exact: normalized text. Near: MinHash over word n-grams + LSH,",
      "connected components, one deterministic keeper per cluster.",
      "Writes DIR/kept (docs), DIR/duplicates (id, source, cluster_id, kept_id, kind), DIR/rejected, report.json."
    })
public final class DedupCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--input", required = true, paramLabel = "SOURCE=PATH",
      description = "A source name and a file or directory of .jsonl[.gz|.zst] or .parquet (repeatable).")
  List<String> inputs;

  @Option(names = "--output", required = true, paramLabel = "DIR", description = "Output directory.")
  Path output;

  @Option(names = "--scope", paramLabel = "global|local",
      description = "global: across sources; local: within each source (default: global).")
  String scope;

  @Option(names = "--threshold", paramLabel = "J", description = "Jaccard similarity threshold (default: 0.8).")
  Double threshold;

  @Option(names = "--ngram", paramLabel = "N", description = "Word n-gram shingle size (default: 5).")
  Integer ngram;

  @Option(names = "--permutations", paramLabel = "K", description = "MinHash permutations (default: 128).")
  Integer permutations;

  @Override
  public Integer call() {
    var config = common.config(StageCommand.flags("dedup.scope", scope, "dedup.threshold", threshold,
        "dedup.ngram", ngram, "dedup.permutations", permutations));
    List<InputSpec> specs = inputs.stream().map(InputSpec::parse).toList();
    StageCommand.run(config, common.progress(), new DedupStage(specs), Map.of(), output);
    return 0;
  }
}
