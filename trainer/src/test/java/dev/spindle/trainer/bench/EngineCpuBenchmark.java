package dev.spindle.trainer.bench;

import dev.spindle.trainer.engine.Engines;
import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.OptimizerConfig;
import dev.spindle.trainer.engine.TokenBatch;
import dev.spindle.trainer.engine.TrainingEngine;
import dev.spindle.trainer.reference.ReferenceModel;
import dev.spindle.trainer.reference.TokenBatches;
import dev.spindle.trainer.optim.AdamW;
import dev.spindle.trainer.engine.ParameterLayout;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Tokens per second of the dl4j engine on a small byte-level model, the split of a step into forward+backward,
 * optimizer and parameter read/write, and the same step (forward+backward+AdamW) with {@link ReferenceModel} as
 * the baseline. Usage: bench/engine-cpu.sh [layers dModel heads length batch steps]. Needs no corpus.
 */
public final class EngineCpuBenchmark {
  private EngineCpuBenchmark() {}

  public static void main(String[] args) {
    int layers = argument(args, 0, 2);
    int width = argument(args, 1, 128);
    int heads = argument(args, 2, 4);
    int length = argument(args, 3, 128);
    int batchSize = argument(args, 4, 8);
    int steps = argument(args, 5, 10);
    ModelConfig model = new ModelConfig(layers, width, heads, 257, Math.max(256, length), true);
    OptimizerConfig optimizer = new OptimizerConfig("adamw", 1e-3, 0.9, 0.95, 1e-8, 0.1, 2, 1000, 0.1, 1.0);
    byte[] text = sampleText();
    long tokensPerStep = (long) length * batchSize;
    System.out.printf(
        "model: %d layers, d=%d, %d heads, V=257, L=%d, B=%d (%d tokens/step), %d parameters, %d steps, %d cores%n",
        layers, width, heads, length, batchSize, tokensPerStep, model.parameterCount(), steps,
        Runtime.getRuntime().availableProcessors());

    float[] scratch = new float[Math.toIntExact(model.parameterCount())];
    try (TrainingEngine engine = Engines.provider("dl4j").create(model, optimizer, 1, 0)) {
      for (int warmup = 0; warmup < 3; warmup++) {
        engine.computeGradients(TokenBatches.bytes(text, length, batchSize, warmup * 31L, 97));
        engine.applyUpdate(warmup);
      }
      long cpuStart = processCpuNanos();
      long wallStart = System.nanoTime();
      long gradientNanos = 0;
      long updateNanos = 0;
      long readNanos = 0;
      long writeNanos = 0;
      float loss = 0;
      for (int step = 0; step < steps; step++) {
        TokenBatch batch = TokenBatches.bytes(text, length, batchSize, 1000 + step * 31L, 97);
        long t0 = System.nanoTime();
        loss = engine.computeGradients(batch);
        long t1 = System.nanoTime();
        engine.applyUpdate(3 + step);
        long t2 = System.nanoTime();
        engine.readParameters(FloatBuffer.wrap(scratch));
        long t3 = System.nanoTime();
        engine.writeParameters(FloatBuffer.wrap(scratch));
        long t4 = System.nanoTime();
        gradientNanos += t1 - t0;
        updateNanos += t2 - t1;
        readNanos += t3 - t2;
        writeNanos += t4 - t3;
      }
      double stepMillis = (gradientNanos + updateNanos + readNanos + writeNanos) / 1e6 / steps;
      double cpuShare = (double) (processCpuNanos() - cpuStart) / (System.nanoTime() - wallStart);
      System.out.printf("dl4j: loss %.3f, %.1f ms/step = forward+backward %.1f + optimizer %.1f + read params %.2f"
              + " + write params %.2f; %.0f tokens/s%n",
          loss, stepMillis, gradientNanos / 1e6 / steps, updateNanos / 1e6 / steps, readNanos / 1e6 / steps,
          writeNanos / 1e6 / steps, tokensPerStep / (stepMillis / 1e3));
      // On a shared machine the wall time is inflated by other processes: CPU cores busy per wall second says so.
      System.out.printf("dl4j: process CPU %.2f cores busy on average during the timed steps%n", cpuShare);
      // Bucket lengths change between steps in a DD run: time alternating lengths too.
      long mixedNanos = 0;
      long mixedTokens = 0;
      for (int step = 0; step < steps; step++) {
        int stepLength = step % 2 == 0 ? length : length / 2;
        int stepBatch = step % 2 == 0 ? batchSize : batchSize * 2;
        TokenBatch batch = TokenBatches.bytes(text, stepLength, stepBatch, 5000 + step * 31L, 97);
        long t0 = System.nanoTime();
        engine.computeGradients(batch);
        engine.applyUpdate(100 + step);
        mixedNanos += System.nanoTime() - t0;
        mixedTokens += (long) stepLength * stepBatch;
      }
      System.out.printf("dl4j alternating L=%d/%d: %.1f ms/step, %.0f tokens/s%n", length, length / 2,
          mixedNanos / 1e6 / steps, mixedTokens / (mixedNanos / 1e9));
      runReference(model, optimizer, text, length, batchSize, Math.max(1, steps / 5), stepMillis);
    }
  }

  private static void runReference(
      ModelConfig model, OptimizerConfig optimizerConfig, byte[] text, int length, int batchSize, int steps,
      double engineStepMillis) {
    ReferenceModel reference = new ReferenceModel(model);
    AdamW optimizer = new AdamW(optimizerConfig, ParameterLayout.of(model));
    float[] parameters = dev.spindle.trainer.engine.InitialParameters.create(model, 1);
    reference.lossAndGradient(parameters, TokenBatches.bytes(text, length, batchSize, 0, 97)); // warm-up
    long start = System.nanoTime();
    for (int step = 0; step < steps; step++) {
      float[] gradient =
          reference.lossAndGradient(parameters, TokenBatches.bytes(text, length, batchSize, step * 31L, 97)).gradient();
      optimizer.update(parameters, gradient, step);
    }
    double referenceMillis = (System.nanoTime() - start) / 1e6 / steps;
    System.out.printf("reference (plain Java, double, 1 thread): %.1f ms/step, %.0f tokens/s%n", referenceMillis,
        (double) length * batchSize / (referenceMillis / 1e3));
    System.out.printf("ratio: dl4j is %.2fx the reference's speed%n", referenceMillis / engineStepMillis);
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
            .getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static byte[] sampleText() {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      text.append("Spindle turns raw text corpora into trained language models, step ").append(i).append(". ");
    }
    return text.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static int argument(String[] args, int index, int fallback) {
    return args.length > index ? Integer.parseInt(args[index]) : fallback;
  }
}
