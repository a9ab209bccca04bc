package dev.spindle.trainer.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.trainer.engine.EngineProvider;
import dev.spindle.trainer.engine.InitialParameters;
import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.OptimizerConfig;
import dev.spindle.trainer.engine.ParameterChecksum;
import dev.spindle.trainer.engine.ParameterLayout;
import dev.spindle.trainer.engine.TokenBatch;
import dev.spindle.trainer.engine.TrainingEngine;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract every {@link TrainingEngine} must meet, checked against {@link ReferenceModel}: extend it with the
 * engine's provider ({@code Dl4jEngineTest} on CPU, {@code CudaEngineContractTest} on the GPU machine). Tolerances
 * are for fp32 engines compared with the double-precision reference.
 */
public abstract class EngineContractSuite {
  /** Relative error allowed on the loss. */
  protected static final double LOSS_TOLERANCE = 1e-5;
  /** Gradient element error allowed: ABSOLUTE + RELATIVE * |reference|. */
  protected static final double GRADIENT_ABSOLUTE_TOLERANCE = 1e-5;
  protected static final double GRADIENT_RELATIVE_TOLERANCE = 1e-4;

  protected static final String CORPUS =
      "the quick brown fox jumps over the lazy dog. the quick brown fox jumps over the lazy dog. ";

  @TempDir protected Path temporary;

  protected abstract EngineProvider provider();

  protected TrainingEngine create(ModelConfig model, OptimizerConfig optimizer, long seed) {
    return provider().create(model, optimizer, seed, 0);
  }

  protected static OptimizerConfig adamw(double learningRate, long totalSteps) {
    return new OptimizerConfig("adamw", learningRate, 0.9, 0.95, 1e-8, 0.1, 5, totalSteps, 0.1, 1.0);
  }

  @ParameterizedTest(name = "tiedHead={0}")
  @ValueSource(booleans = {true, false})
  void lossAndEveryGradientMatchTheReferenceAtTwoLengthsWithOneEngine(boolean tiedHead) {
    ModelConfig model = new ModelConfig(2, 16, 4, 23, 12, tiedHead);
    ReferenceModel reference = new ReferenceModel(model);
    float[] parameters = RandomParameters.of(model, 11, 0.2, 0.3);
    try (TrainingEngine engine = create(model, OptimizerConfig.sgd(0.1, 10), 1)) {
      engine.writeParameters(FloatBuffer.wrap(parameters));
      for (int length : new int[] {7, 12, 3}) {
        TokenBatch batch = randomBatch(model.vocabSize(), length, 3, length);
        LossAndGradient expected = reference.lossAndGradient(parameters, batch);
        float loss = engine.computeGradients(batch);
        float[] gradient = new float[parameters.length];
        engine.readGradients(FloatBuffer.wrap(gradient));
        assertThat((double) loss).as("loss at L=%d", length)
            .isCloseTo(expected.loss(), org.assertj.core.data.Offset.offset(LOSS_TOLERANCE * expected.loss()));
        assertGradientsClose(model, gradient, expected.gradient(), "L=" + length);
      }
    }
  }

  @ParameterizedTest(name = "tiedHead={0}")
  @ValueSource(booleans = {true, false})
  void logitsMatchTheReferenceAndGiveTheEvaluatedLoss(boolean tiedHead) {
    ModelConfig model = new ModelConfig(2, 16, 4, 23, 12, tiedHead);
    float[] parameters = RandomParameters.of(model, 13, 0.2, 0.3);
    TokenBatch batch = randomBatch(model.vocabSize(), 9, 2, 21);
    double[] expected = new ReferenceModel(model).logits(parameters, batch);
    try (TrainingEngine engine = create(model, OptimizerConfig.sgd(0.1, 10), 1)) {
      engine.writeParameters(FloatBuffer.wrap(parameters));
      assertThat(engine.logitCount(batch)).isEqualTo(expected.length);
      FloatBuffer out = FloatBuffer.allocate(expected.length + 3);
      out.position(3);
      engine.logits(batch, out);
      assertThat(out.position()).as("position after logits").isEqualTo(3 + expected.length);
      double largest = 0;
      double worst = 0;
      for (int i = 0; i < expected.length; i++) {
        largest = Math.max(largest, Math.abs(expected[i]));
        worst = Math.max(worst, Math.abs(out.get(3 + i) - expected[i]));
      }
      assertThat(worst).as("worst logit error vs largest logit %s", largest).isLessThanOrEqualTo(1e-5 * largest);
      // The logits' mean cross-entropy over the targets is the loss evaluate reports.
      int vocabulary = model.vocabSize();
      double loss = 0;
      for (int n = 0; n < batch.targetTokens(); n++) {
        int row = 3 + n * vocabulary;
        double max = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < vocabulary; v++) {
          max = Math.max(max, out.get(row + v));
        }
        double sum = 0;
        for (int v = 0; v < vocabulary; v++) {
          sum += Math.exp(out.get(row + v) - max);
        }
        int target = batch.token((int) (n / batch.length()), (int) (n % batch.length()) + 1);
        loss += max + Math.log(sum) - out.get(row + target);
      }
      loss /= batch.targetTokens();
      assertThat(loss).as("cross-entropy of the logits vs evaluate")
          .isCloseTo(engine.evaluate(batch), org.assertj.core.data.Offset.offset(LOSS_TOLERANCE * loss));
      assertThat(parameters(engine)).as("parameters after logits").isEqualTo(parameters);
      assertThatThrownBy(() -> engine.logits(batch, FloatBuffer.allocate(5)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("need " + expected.length);
    }
  }

  @Test
  void evaluateGivesTheTrainingLossWithoutChangingParameters() {
    ModelConfig model = new ModelConfig(1, 16, 2, 23, 8, true);
    try (TrainingEngine engine = create(model, adamw(1e-2, 10), 5)) {
      TokenBatch batch = randomBatch(model.vocabSize(), 8, 2, 1);
      float evaluated = engine.evaluate(batch);
      float trained = engine.computeGradients(batch);
      assertThat(evaluated).as("evaluate vs computeGradients loss").isCloseTo(trained, org.assertj.core.data.Offset.offset(1e-6f));
      assertThat(parameters(engine)).isEqualTo(InitialParameters.create(model, 5));
    }
  }

  @Test
  void lossFallsClearlyOnARepetitiveByteCorpusWithinFiftySteps() {
    ModelConfig model = new ModelConfig(2, 32, 4, 256, 32, true);
    byte[] text = CORPUS.getBytes(StandardCharsets.US_ASCII);
    List<Float> losses = new ArrayList<>();
    try (TrainingEngine engine = create(model, adamw(1e-2, 50), 3)) {
      for (int step = 0; step < 50; step++) {
        TokenBatch batch = TokenBatches.bytes(text, step % 2 == 0 ? 32 : 16, 8, step * 13L, 7);
        losses.add(engine.computeGradients(batch));
        engine.applyUpdate(step);
      }
    }
    double first = losses.get(0);
    double last = losses.subList(45, 50).stream().mapToDouble(Float::doubleValue).average().orElseThrow();
    assertThat(first).as("initial loss vs ln(256)").isCloseTo(Math.log(256), org.assertj.core.data.Offset.offset(0.1));
    assertThat(last).as("mean loss of steps 45..49 (all losses: %s)", losses).isLessThan(first / 3);
  }

  @Test
  void savedAndRestoredStateContinuesBitIdenticallyToAnUninterruptedRun() {
    ModelConfig model = new ModelConfig(1, 16, 2, 31, 8, false);
    OptimizerConfig optimizer = adamw(1e-2, 20);
    Replicas engines = seed -> create(model, optimizer, seed);
    float[] uninterrupted = uninterrupted(engines, model);
    float[] checkpoint = checkpoint(engines, model, temporary);
    assertThat(resumed(engines, model, checkpoint, temporary)).as("parameters after resume").isEqualTo(uninterrupted);
  }

  /**
   * One optimizer state format for every engine: a checkpoint (parameters + optimizer state) written by this engine
   * resumes in the reference engine and one written there resumes here, each continuing like an uninterrupted run
   * of the other (to fp32 rounding: the reference computes in double).
   */
  @Test
  void checkpointsResumeAcrossEnginesInBothDirections() {
    ModelConfig model = new ModelConfig(1, 16, 2, 31, 8, false);
    OptimizerConfig optimizer = adamw(1e-2, 20);
    Replicas engines = seed -> create(model, optimizer, seed);
    Replicas references = seed -> new ReferenceEngine(model, optimizer, seed);
    float[] uninterrupted = uninterrupted(engines, model);
    float[] referenceUninterrupted = uninterrupted(references, model);
    Path here = temporary.resolve("written-here");
    float[] checkpoint = checkpoint(engines, model, here);
    assertClose(resumed(references, model, checkpoint, here), uninterrupted, "this engine -> reference");
    Path there = temporary.resolve("written-by-reference");
    checkpoint = checkpoint(references, model, there);
    assertClose(resumed(engines, model, checkpoint, there), referenceUninterrupted, "reference -> this engine");
  }

  /** New replicas of one engine and configuration, by seed. */
  private interface Replicas {
    TrainingEngine create(long seed);
  }

  /** The parameters after steps 0..5 of a replica from seed 9, never interrupted. */
  private float[] uninterrupted(Replicas replicas, ModelConfig model) {
    try (TrainingEngine engine = replicas.create(9)) {
      train(engine, model, 0, 6);
      return parameters(engine);
    }
  }

  /** Trains steps 0..2 of a replica from seed 9, saves its optimizer state in {@code dir}, returns its parameters. */
  private float[] checkpoint(Replicas replicas, ModelConfig model, Path dir) {
    try (TrainingEngine engine = replicas.create(9)) {
      train(engine, model, 0, 3);
      float[] values = parameters(engine);
      engine.saveOptimizerState(dir);
      return values;
    }
  }

  /**
   * The parameters after a replica restored from a checkpoint (parameters {@code checkpoint}, the optimizer state in
   * {@code dir}) trains steps 3..5. The replica comes from another seed, which proves everything comes from the
   * checkpoint, not from the initialisation.
   */
  private float[] resumed(Replicas replicas, ModelConfig model, float[] checkpoint, Path dir) {
    try (TrainingEngine engine = replicas.create(1234)) {
      engine.writeParameters(FloatBuffer.wrap(checkpoint));
      engine.loadOptimizerState(dir);
      train(engine, model, 3, 6);
      return parameters(engine);
    }
  }

  @Test
  void parameterChecksumIsTheHostFingerprintOfTheParameters() {
    ModelConfig model = new ModelConfig(2, 16, 2, 31, 8, true);
    try (TrainingEngine engine = create(model, adamw(1e-2, 20), 3)) {
      train(engine, model, 0, 2);
      float[] values = parameters(engine);
      assertThat(engine.parameterChecksum()).as("engine checksum vs host fingerprint of its parameters")
          .isEqualTo(ParameterChecksum.of(FloatBuffer.wrap(values)));
      values[7] = Math.nextUp(values[7]);
      engine.writeParameters(FloatBuffer.wrap(values));
      assertThat(engine.parameterChecksum()).isEqualTo(ParameterChecksum.of(FloatBuffer.wrap(values)));
    }
  }

  private static void assertClose(float[] actual, float[] expected, String what) {
    double difference = 0;
    double norm = 0;
    for (int i = 0; i < expected.length; i++) {
      double d = actual[i] - expected[i];
      difference += d * d;
      norm += (double) expected[i] * expected[i];
    }
    assertThat(Math.sqrt(difference / norm)).as("relative L2 difference after resuming, %s", what).isLessThan(1e-4);
  }

  @Test
  void replicasWithTheSameSeedOnTwoThreadsHoldIdenticalParameters() throws Exception {
    ModelConfig model = new ModelConfig(2, 16, 2, 31, 8, true);
    OptimizerConfig optimizer = adamw(1e-2, 20);
    Callable<float[]> replica =
        () -> {
          try (TrainingEngine engine = create(model, optimizer, 77)) {
            assertThat(parameters(engine)).as("initial parameters").isEqualTo(InitialParameters.create(model, 77));
            train(engine, model, 0, 4);
            return parameters(engine);
          }
        };
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<float[]> first = threads.submit(replica);
      Future<float[]> second = threads.submit(replica);
      float[] a = first.get();
      float[] b = second.get();
      assertThat(a).as("replica parameters after 4 steps run concurrently").isEqualTo(b);
      assertThat(a).as("training changed the parameters").isNotEqualTo(InitialParameters.create(model, 77));
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void updateUsesWrittenGradientsForGradientSynchronisation() {
    ModelConfig model = new ModelConfig(1, 8, 2, 11, 4, true);
    try (TrainingEngine engine = create(model, OptimizerConfig.sgd(0.5, 10), 2)) {
      float[] before = parameters(engine);
      float[] gradient = new float[before.length];
      for (int i = 0; i < gradient.length; i++) {
        gradient[i] = (i % 7) * 0.01f;
      }
      engine.writeGradients(FloatBuffer.wrap(gradient));
      float[] readBack = new float[gradient.length];
      engine.readGradients(FloatBuffer.wrap(readBack));
      assertThat(readBack).isEqualTo(gradient);
      assertThat(engine.applyUpdate(0)).isEqualTo(0.5);
      float[] after = parameters(engine);
      for (int i = 0; i < after.length; i++) {
        assertThat(after[i]).isEqualTo((float) (before[i] - 0.5 * gradient[i]));
      }
    }
  }

  @Test
  void rejectsBadBatchesWithAReason() {
    ModelConfig model = new ModelConfig(1, 8, 2, 11, 4, true);
    try (TrainingEngine engine = create(model, OptimizerConfig.sgd(0.5, 10), 2)) {
      assertThatThrownBy(() -> engine.computeGradients(TokenBatches.fromRows(new int[][] {{1, 2, 11}})))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("token 11");
      assertThatThrownBy(() -> engine.computeGradients(TokenBatches.fromRows(new int[][] {{1, 2, 3, 4, 5, 6}})))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("sequence length 5 exceeds the model's maximum 4");
      assertThatThrownBy(() -> engine.applyUpdate(0))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("no gradients");
      assertThatThrownBy(() -> engine.readParameters(FloatBuffer.allocate(3)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("need " + engine.parameterCount());
    }
  }

  private void train(TrainingEngine engine, ModelConfig model, int fromStep, int toStep) {
    for (int step = fromStep; step < toStep; step++) {
      engine.computeGradients(randomBatch(model.vocabSize(), step % 2 == 0 ? 8 : 5, 2, 1000 + step));
      engine.applyUpdate(step);
    }
  }

  protected static float[] parameters(TrainingEngine engine) {
    float[] values = new float[Math.toIntExact(engine.parameterCount())];
    engine.readParameters(FloatBuffer.wrap(values));
    return values;
  }

  protected static TokenBatch randomBatch(int vocabulary, int length, int batchSize, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int[][] rows = new int[batchSize][length + 1];
    for (int[] row : rows) {
      for (int t = 0; t < row.length; t++) {
        row[t] = random.nextInt(vocabulary);
      }
    }
    return TokenBatches.fromRows(rows);
  }

  private static void assertGradientsClose(ModelConfig model, float[] actual, float[] expected, String where) {
    double worst = 0;
    String worstAt = "none";
    for (ParameterLayout.Entry entry : ParameterLayout.of(model).entries()) {
      for (int i = 0; i < entry.size(); i++) {
        int index = (int) entry.offset() + i;
        double allowed = GRADIENT_ABSOLUTE_TOLERANCE + GRADIENT_RELATIVE_TOLERANCE * Math.abs(expected[index]);
        double ratio = Math.abs(actual[index] - expected[index]) / allowed;
        if (ratio > worst) {
          worst = ratio;
          worstAt = entry.name() + "[" + i + "]: engine " + actual[index] + ", reference " + expected[index];
        }
      }
    }
    assertThat(worst).as("worst gradient error / tolerance at %s, %s", where, worstAt).isLessThanOrEqualTo(1.0);
  }
}
