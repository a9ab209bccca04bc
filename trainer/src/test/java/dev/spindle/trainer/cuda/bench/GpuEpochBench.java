package dev.spindle.trainer.cuda.bench;

import dev.spindle.trainer.cuda.runtime.CudaAvailability;
import dev.spindle.trainer.cuda.CudaEngineOptions;
import dev.spindle.trainer.cuda.CudaEngineProvider;
import dev.spindle.trainer.cuda.Precision;
import dev.spindle.trainer.cuda.TestBatches;
import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.OptimizerConfig;
import dev.spindle.trainer.engine.TokenBatch;
import dev.spindle.trainer.engine.TrainingEngine;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Wall time of one whole training epoch on the GPU for each sequence layout of a corpus: every step of the epoch
 * runs (update + forward/backward, synchronised), in a seeded random order of steps as the uniform curriculum
 * would give, at constant tokens per step (the last step of a bucket takes the remainder). A layout is its
 * bucket histogram: {@code name=L:sequences,L:sequences,...}; layouts are separated by {@code ;}. Step cost does
 * not depend on the token ids, so ids are seeded random; shapes and step counts are the corpus's (see
 * bench/results/gpu.md for the manifests they come from). Model: the GPT-2-124M-like config of
 * {@link GpuTrainingBench}. Usage: GpuEpochBench precision tokensPerStep layouts.
 * Prints {@code EPOCH layout=.. steps=.. tokens=.. seconds=.. tokens_per_s=..} per layout.
 */
public final class GpuEpochBench {
  private GpuEpochBench() {}

  public static void main(String[] args) {
    if (!CudaAvailability.available()) {
      System.out.println("SKIP: no CUDA device (" + CudaAvailability.reason() + ")");
      return;
    }
    if (args.length < 3) {
      throw new IllegalArgumentException("usage: GpuEpochBench precision tokensPerStep name=L:n,L:n[;name=...]");
    }
    Precision precision = Precision.parse(args[0]);
    int tokensPerStep = Integer.parseInt(args[1]);
    Map<String, Map<Integer, Long>> layouts = parseLayouts(args[2]);
    ModelConfig model = new ModelConfig(12, 768, 12, 50257, 8192, true);
    OptimizerConfig optimizer = new OptimizerConfig("adamw", 6e-4, 0.9, 0.95, 1e-8, 0.1, 10, 100_000, 0.1, 1.0);
    try (TrainingEngine engine = new CudaEngineProvider().create(model, optimizer, 1, 0,
        new CudaEngineOptions(precision, tokensPerStep, Boolean.getBoolean(GpuTrainingBench.PROFILE_PROPERTY)))) {
      long update = 0;
      for (Map.Entry<String, Map<Integer, Long>> layout : layouts.entrySet()) {
        List<int[]> steps = plan(layout.getValue(), tokensPerStep);
        Map<String, TokenBatch> batches = new LinkedHashMap<>();
        for (int[] step : steps) {
          batches.computeIfAbsent(step[0] + "x" + step[1],
              key -> TestBatches.random(step[0], step[1], model.vocabSize(), 31L * step[0] + step[1]));
        }
        for (TokenBatch batch : batches.values()) { // warm-up: every shape once, untimed
          engine.computeGradients(batch);
          engine.applyUpdate(update++);
        }
        long tokens = 0;
        long start = System.nanoTime();
        float loss = 0;
        for (int[] step : steps) {
          loss = engine.computeGradients(batches.get(step[0] + "x" + step[1]));
          engine.applyUpdate(update++);
          tokens += (long) step[0] * step[1];
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("EPOCH layout=%s steps=%d tokens=%d seconds=%.1f tokens_per_s=%.0f loss_last=%.3f%n",
            layout.getKey(), steps.size(), tokens, seconds, tokens / seconds, loss);
      }
    }
  }

  /** Steps as {length, rows}, shuffled with a fixed seed. */
  static List<int[]> plan(Map<Integer, Long> buckets, int tokensPerStep) {
    List<int[]> steps = new ArrayList<>();
    buckets.forEach((length, sequences) -> {
      int rows = tokensPerStep / length;
      if (rows == 0) {
        throw new IllegalArgumentException("Cannot plan length " + length + " at " + tokensPerStep + " tokens per step");
      }
      for (long done = 0; done < sequences; done += rows) {
        steps.add(new int[] {length, (int) Math.min(rows, sequences - done)});
      }
    });
    Collections.shuffle(steps, new Random(7));
    return steps;
  }

  static Map<String, Map<Integer, Long>> parseLayouts(String text) {
    Map<String, Map<Integer, Long>> layouts = new LinkedHashMap<>();
    for (String layout : text.split(";")) {
      String[] nameAndBuckets = layout.trim().split("=", 2);
      if (nameAndBuckets.length != 2) {
        throw new IllegalArgumentException("Invalid layout '" + layout + "': expected name=L:sequences,...");
      }
      Map<Integer, Long> buckets = new LinkedHashMap<>();
      for (String bucket : nameAndBuckets[1].split(",")) {
        String[] parts = bucket.trim().split(":");
        buckets.put(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
      }
      layouts.put(nameAndBuckets[0].trim(), buckets);
    }
    return layouts;
  }
}
