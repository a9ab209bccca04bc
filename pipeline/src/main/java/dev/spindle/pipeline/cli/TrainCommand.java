package dev.spindle.pipeline.cli;

import dev.spindle.pipeline.train.TrainStage;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Train a GPT-style model on decomposed buckets, data parallel.",
      "One Spark barrier task per trainer, Arrow batches",
      "streamed to each trainer, parameters averaged every step. Writes DIR/metrics.jsonl,",
      "DIR/checkpoints/step-N/, DIR/summary.json; re-running on an unfinished DIR resumes from its newest checkpoint."
    })
public final class TrainCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--data", required = true, paramLabel = "DIR", description = "Decompose output (manifest.json).")
  Path data;

  @Option(names = "--output", required = true, paramLabel = "DIR",
      description = "Output directory: new, empty, or one Spindle wrote.")
  Path output;

  @Option(names = "--engine", paramLabel = "dl4j|cuda", descriptionKey = "spindle.train.engine",
      description = "Training engine (default: ${DEFAULT-VALUE}).")
  String engine;

  @Option(names = "--trainers", paramLabel = "N", descriptionKey = "spindle.train.trainers",
      description = "Data-parallel trainers, Spark tasks (default: ${DEFAULT-VALUE}).")
  Integer trainers;

  @Option(names = "--steps", paramLabel = "N", descriptionKey = "spindle.train.steps",
      description = "Optimizer steps (default: ${DEFAULT-VALUE}).")
  Long steps;

  @Option(names = "--tokens-per-step", paramLabel = "N", descriptionKey = "spindle.train.tokens-per-step",
      description = "Tokens per step over all trainers (default: ${DEFAULT-VALUE}).")
  Long tokensPerStep;

  @Option(names = "--curriculum", paramLabel = "grow-p2|uniform|natural", descriptionKey = "spindle.train.curriculum",
      description = "Bucket schedule (default: ${DEFAULT-VALUE}).")
  String curriculum;

  @Override
  public Integer call() {
    StageCommand.runStage("train", common.config(), common.progress(), new TrainStage(), Map.of("data", data),
        output);
    return 0;
  }
}
