package dev.spindle.pipeline.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The demo configuration made lean for the tests that run the whole pipeline in child JVMs: all of
 * {@code conf/demo.conf} (six sample sources, global dedup, byte tokens, the demo mixture, DD buckets 32..256,
 * the 2-layer model on two trainers) with a short training, 24 steps of 512 tokens, a checkpoint every 4 steps and
 * validation every 8: long enough to kill an executor between checkpoints, a few seconds of compute. No export
 * stage: the Airflow DAG, whose run is the local baseline, has no export task, and export runs on the driver
 * only, wherever the executors are.
 */
public final class LeanDemo {
  /** The mixture every run of this configuration uses (the Airflow DAG passes it as a parameter). */
  public static final String MIXTURE = "conf/mixtures/demo.conf";

  private static final String TRAINING = """
      spindle.train {
        steps = 24
        tokens-per-step = 512
        checkpoint-every = 4
        validate-every = 8
      }
      spindle.export.enabled = false
      """;

  private LeanDemo() {}

  /**
   * Writes {@code dir/lean-NAME}: the run config {@code conf/NAME} (included by absolute path), then the short
   * training. Configs written from different bases differ only in what the bases differ in.
   */
  public static Path config(Path dir, String name) throws IOException {
    Path base = SparkDistribution.REPO.resolve("conf").resolve(name);
    if (!Files.isRegularFile(base)) {
      throw new IllegalArgumentException("Cannot write a lean config: " + base + " does not exist");
    }
    Files.createDirectories(dir);
    Path config = dir.resolve("lean-" + name);
    Files.writeString(config, "include file(\"" + base + "\")\n" + TRAINING);
    return config;
  }
}
