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

  @Option(names = "--output", required = true, paramLabel = "DIR", description = "Output directory.")
  Path output;

  @Option(names = "--engine", paramLabel = "dl4j|cuda", description = "Training engine (default dl4j).")
  String engine;

  @Option(names = "--trainers", paramLabel = "N", description = "Data-parallel trainers (Spark tasks).")
  Integer trainers;

  @Option(names = "--steps", paramLabel = "N", description = "Optimizer steps.")
  Long steps;

  @Option(names = "--tokens-per-step", paramLabel = "N", description = "Tokens per step over all trainers.")
  Long tokensPerStep;

  @Option(names = "--curriculum", paramLabel = "grow-p2|uniform|natural", description = "Bucket schedule.")
  String curriculum;

  @Override
  public Integer call() {
    var config = common.config(StageCommand.flags("train.engine", engine, "train.trainers", trainers,
        "train.steps", steps, "train.tokens-per-step", tokensPerStep, "train.curriculum", curriculum));
    StageCommand.run(config, common.progress(), new TrainStage(), Map.of("data", data), output);
    return 0;
  }
}
