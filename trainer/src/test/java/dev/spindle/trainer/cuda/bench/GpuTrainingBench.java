package dev.spindle.trainer.cuda.bench;

import dev.spindle.trainer.cuda.runtime.CudaAvailability;
import dev.spindle.trainer.cuda.CudaEngineOptions;
import dev.spindle.trainer.cuda.CudaEngineProvider;
import dev.spindle.trainer.cuda.Precision;
import dev.spindle.trainer.cuda.TestBatches;
import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.OptimizerConfig;
import dev.spindle.trainer.engine.ParameterLayout;
import dev.spindle.trainer.engine.TokenBatch;
import dev.spindle.trainer.engine.TrainingEngine;

/**
 * Training throughput of the CUDA engine on a GPT-2-124M-like model (12 layers, d 768, 12 heads, vocab 50257,
 * tied head, max length 8192) at constant tokens per step, one line per bucket length:
 * {@code RESULT engine=cuda precision=.. length=L batch=B tokens_per_s=.. step_ms=.. mfu=..}.
 * Each timed iteration is update + forward/backward and ends synchronised (the loss is read), so the figure is
 * wall time of whole steps. MFU uses nanoGPT's estimate (6 N + 12 L H Q T flops per token, N without wpe)
 * over the H100 SXM's 989 TFLOP/s dense bf16. Usage: GpuTrainingBench [precision] [tokensPerStep] [steps]
 * [lengths,comma,separated].
 */
public final class GpuTrainingBench {
  private static final double PEAK_FLOPS = 989.4e12;
  /** JVM property: per-category GPU time (the engine's profile option). */
  static final String PROFILE_PROPERTY = "spindle.cuda.profile";
  /** JVM property: the engine's attention option (auto, cudnn, cudnn-nondeterministic, mma-sync). */
  static final String ATTENTION_PROPERTY = "spindle.cuda.attention";

  private GpuTrainingBench() {}

  public static void main(String[] args) {
    if (!CudaAvailability.available()) {
      System.out.println("SKIP: no CUDA device (" + CudaAvailability.reason() + ")");
      return;
    }
    Precision precision = Precision.parse(args.length > 0 ? args[0] : "bf16");
    int tokensPerStep = args.length > 1 ? Integer.parseInt(args[1]) : 16384;
    int steps = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    String[] lengths = (args.length > 3 ? args[3] : "1024,8192").split(",");
    ModelConfig model = new ModelConfig(12, 768, 12, 50257, 8192, true);
    OptimizerConfig optimizer = new OptimizerConfig("adamw", 6e-4, 0.9, 0.95, 1e-8, 0.1, 10, 1000, 0.1, 1.0);
    long parameters = model.parameterCount();
    long positionParameters = ParameterLayout.of(model).entry("wpe").size();
    System.out.printf("model: %s, %,d parameters; %d tokens per step, %d timed steps, %s%n", model, parameters,
        tokensPerStep, steps, precision);
    try (TrainingEngine engine = new CudaEngineProvider().create(model, optimizer, 1, 0,
        new CudaEngineOptions(precision, tokensPerStep, Boolean.getBoolean(PROFILE_PROPERTY),
            System.getProperty(ATTENTION_PROPERTY, "auto")))) {
      long step = 0;
      for (String lengthText : lengths) {
        int length = Integer.parseInt(lengthText.trim());
        int batchSize = tokensPerStep / length;
        TokenBatch batch = TestBatches.random(length, batchSize, model.vocabSize(), length);
        float firstLoss = engine.computeGradients(batch);
        for (int warm = 0; warm < 2; warm++) {
          engine.applyUpdate(step++);
          engine.computeGradients(batch);
        }
        dev.spindle.trainer.cuda.CudaProfiling.take(engine); // drop warm-up figures
        long start = System.nanoTime();
        float loss = 0;
        for (int i = 0; i < steps; i++) {
          engine.applyUpdate(step++);
          loss = engine.computeGradients(batch);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double tokensPerSecond = (double) steps * batchSize * length / seconds;
        double flopsPerToken = 6.0 * (parameters - positionParameters)
            + 12.0 * model.layers() * model.heads() * model.headSize() * length;
        if (Boolean.getBoolean(PROFILE_PROPERTY)) {
          StringBuilder line = new StringBuilder("PROFILE length=" + length + " ms/step:");
          dev.spindle.trainer.cuda.CudaProfiling.take(engine).entrySet().stream()
              .sorted((x, y) -> Double.compare(y.getValue(), x.getValue()))
              .forEach(e -> line.append(String.format(" %s=%.1f", e.getKey(), e.getValue() / steps)));
          System.out.println(line);
        }
        System.out.printf("RESULT engine=cuda precision=%s length=%d batch=%d tokens_per_s=%.0f step_ms=%.1f mfu=%.3f "
                + "loss_first=%.3f loss_last=%.3f%n", precision.name().toLowerCase(), length, batchSize, tokensPerSecond,
            1000 * seconds / steps, tokensPerSecond * flopsPerToken / PEAK_FLOPS, firstLoss, loss);
      }
    }
  }
}
