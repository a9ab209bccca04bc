package dev.spindle.pipeline.cli;

import dev.spindle.pipeline.mix.MixStage;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "mix",
    mixinStandardHelpOptions = true,
    description = {
      "Mix tokenized sources by token weights.",
      "Spec: conf/mixtures/README.md. Deterministic; every source's token share of every",
      "phase exact (the document that reaches a share is cut there); epochs capped per source.",
      "Writes DIR/docs (+ epoch, phase, position, offset) and report.json (target vs achieved, cuts)."
    })
public final class MixCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--input", required = true, paramLabel = "DIR", description = "Tokenized docs directory.")
  Path input;

  @Option(names = "--spec", required = true, paramLabel = "FILE", descriptionKey = "spindle.mix.spec-file",
      description = "Mixture spec (HOCON).")
  Path spec;

  @Option(names = "--output", required = true, paramLabel = "DIR",
      description = "Output directory: new, empty, or one Spindle wrote.")
  Path output;

  @Option(names = "--seed", paramLabel = "N", descriptionKey = "spindle.mix.seed",
      description = "Override the spec's seed.")
  Long seed;

  @Override
  public Integer call() {
    StageCommand.runStage("mix", common.config(), common.progress(), new MixStage(), Map.of("docs", input), output);
    return 0;
  }
}
