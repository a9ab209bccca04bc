package dev.spindle.trainer.bench;

import dev.spindle.trainer.feed.BatchFeed;
import dev.spindle.trainer.feed.FeedSettings;
import dev.spindle.trainer.feed.LoadedBatch;
import dev.spindle.trainer.plan.Curriculum;
import dev.spindle.trainer.plan.Manifest;
import dev.spindle.trainer.plan.PlanSettings;
import dev.spindle.trainer.plan.StepPlan;
import dev.spindle.trainer.plan.StepPlanner;
import dev.spindle.trainer.testing.Buckets;
import dev.spindle.trainer.testing.RankThreads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Can the Arrow batch feed keep GPU trainers busy? GPT-2-sized steps (65,536 tokens, DD buckets 256..8192,
 * grow-p2) read by N trainers' feeds at once, each trainer's share per step:
 *
 * <ul>
 *   <li>capacity: every feed consumed as fast as it delivers (no compute): tokens/s per trainer, against the rate a
 *       trainer on its own H200 consumes at GPT-2-124M speed (the baseline, 400k tokens/s by default);
 *   <li>input wait: each trainer "computes" for the step time that rate implies (its share of the step at the GPU
 *       rate, sleeping so the feed thread has the CPU), and the time blocked waiting for batches is reported as a
 *       share of step time (goal under 2%).
 * </ul>
 *
 * Data: a decompose directory given as the last argument (e.g. one of shared/corpus/medium with r50k), else
 * synthetic buckets of the same shape written to a temporary directory. The figures are this machine's: the feed
 * decodes each row group once per trainer, so more trainers on fewer cores compete for CPU.
 *
 * <p>Usage: {@code bench/feed.sh [trainers=1,2,4] [steps=120] [gpuTokensPerSecond=400000] [decomposeDir]}
 */
public final class FeedBench {
  private static final long TOKENS_PER_STEP = 65_536;

  private FeedBench() {}

  public static void main(String[] args) throws Exception {
    String[] counts = (args.length > 0 ? args[0] : "1,2,4").split(",");
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 120;
    double gpuRate = args.length > 2 ? Double.parseDouble(args[2]) : 400_000;
    Path data;
    if (args.length > 3) {
      data = Path.of(args[3]);
      System.out.println("data: " + data);
    } else {
      data = Files.createTempDirectory("feed-bench");
      long start = System.nanoTime();
      Map<Integer, Long> rows = new LinkedHashMap<>();
      for (int length = 256; length <= 8192; length *= 2) {
        rows.put(length, TOKENS_PER_STEP / length * (steps / 6 + 2) + 16);
      }
      SplittableRandom random = new SplittableRandom(7);
      Buckets.write(data, 50_257, rows, 4, 64, (length, row) -> {
        int[] tokens = new int[length + 1];
        for (int i = 0; i <= length; i++) {
          tokens[i] = random.nextInt(50_257);
        }
        return tokens;
      });
      System.out.printf(Locale.ROOT, "data: synthetic r50k-sized buckets %s written in %.1f s to %s%n", rows,
          (System.nanoTime() - start) / 1e9, data);
    }
    Manifest manifest = Manifest.read(data);
    System.out.printf(Locale.ROOT, "steps %d x %,d tokens (grow-p2), GPU rate %,.0f tokens/s per trainer, %d cores%n",
        steps, TOKENS_PER_STEP, gpuRate, Runtime.getRuntime().availableProcessors());
    System.out.println("trainers  capacity tok/s/trainer  vs GPU rate  input wait % (paced at the GPU rate)");
    for (String count : counts) {
      int trainers = Integer.parseInt(count.trim());
      StepPlan plan = StepPlanner.plan(manifest,
          new PlanSettings(1, trainers, steps, TOKENS_PER_STEP, Curriculum.GROW_P2, 1, 0));
      double capacity = run(plan, data, trainers, 0) [0];
      // Paced: each trainer works on its share of a step for share / gpuRate seconds.
      double stepSeconds = (double) TOKENS_PER_STEP / trainers / gpuRate;
      double[] paced = run(plan, data, trainers, stepSeconds);
      System.out.printf(Locale.ROOT, "%8d  %,22.0f  %10.1fx  %6.2f%%%n", trainers, capacity, capacity / gpuRate,
          100 * paced[1]);
    }
  }

  /** Returns {tokens/s per trainer, input wait share}; each rank's feed on its own consumer thread. */
  private static double[] run(StepPlan plan, Path data, int trainers, double stepSeconds) throws Exception {
    double tokensPerSecond = 0;
    double wait = 0;
    for (double[] figures : RankThreads.run(trainers, r -> consume(plan, data, r, stepSeconds))) {
      tokensPerSecond += figures[0] / trainers;
      wait += figures[1] / trainers;
    }
    return new double[] {tokensPerSecond, wait};
  }

  private static double[] consume(StepPlan plan, Path data, int rank, double stepSeconds) throws Exception {
    long tokens = 0;
    long start = System.nanoTime();
    long waited;
    try (BatchFeed feed = new BatchFeed(plan, rank, data.toString(), 0, new FeedSettings(4, 2L << 30))) {
      for (long step = 0; step < plan.steps(); step++) {
        try (LoadedBatch batch = feed.next()) {
          tokens += (long) batch.tokens().batchSize() * batch.tokens().length();
        }
        if (stepSeconds > 0) {
          Thread.sleep((long) (stepSeconds * 1000), (int) (stepSeconds * 1e9 % 1_000_000));
        }
      }
      waited = feed.waitNanos();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new double[] {tokens / seconds, waited / 1e9 / seconds};
  }
}
