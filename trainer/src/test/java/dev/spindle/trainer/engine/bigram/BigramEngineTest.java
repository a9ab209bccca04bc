package dev.spindle.trainer.engine.bigram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.trainer.engine.Engines;
import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.OptimizerConfig;
import dev.spindle.trainer.engine.TokenBatch;
import dev.spindle.trainer.engine.TrainingEngine;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.file.Path;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BigramEngineTest {
  @TempDir Path dir;

  static TokenBatch batch(int vocab, int length, int rows, int seed) {
    IntBuffer tokens = ByteBuffer.allocateDirect(rows * (length + 1) * 4).order(ByteOrder.nativeOrder()).asIntBuffer();
    for (int b = 0; b < rows; b++) {
      int x = (b * 7 + seed) % vocab;
      for (int t = 0; t <= length; t++) {
        tokens.put(x);
        x = (3 * x + 1) % vocab;
      }
    }
    tokens.flip();
    return new TokenBatch(length, rows, tokens, 0);
  }

  private static ModelConfig model(boolean tied) {
    return new ModelConfig(1, 8, 2, 11, 6, tied);
  }

  private static OptimizerConfig adamw(long steps) {
    return new OptimizerConfig("adamw", 0.05, 0.9, 0.95, 1e-8, 0.01, 2, steps, 0.1, 1.0);
  }

  private static float[] read(TrainingEngine engine, boolean gradients) {
    FloatBuffer buffer = FloatBuffer.allocate((int) engine.parameterCount());
    if (gradients) {
      engine.readGradients(buffer);
    } else {
      engine.readParameters(buffer);
    }
    return buffer.array();
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void logitsGiveTheEvaluatedLoss(boolean tied) {
    TrainingEngine engine = new BigramEngineProvider().create(model(tied), adamw(10), 3, 0);
    TokenBatch batch = batch(11, 5, 3, 1);
    engine.computeGradients(batch);
    engine.applyUpdate(0); // away from the initial values, so the head and embeddings all matter
    FloatBuffer logits = FloatBuffer.allocate((int) engine.logitCount(batch));
    engine.logits(batch, logits);
    assertThat(logits.remaining()).isZero();
    double loss = 0;
    for (int b = 0; b < 3; b++) {
      for (int t = 0; t < 5; t++) {
        int row = (b * 5 + t) * 11;
        double sum = 0;
        for (int v = 0; v < 11; v++) {
          sum += Math.exp(logits.get(row + v));
        }
        loss += Math.log(sum) - logits.get(row + batch.token(b, t + 1));
      }
    }
    assertThat(loss / 15).isCloseTo(engine.evaluate(batch), Offset.offset(1e-5));
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void gradientsMatchFiniteDifferences(boolean tied) {
    TrainingEngine engine = new BigramEngineProvider().create(model(tied), OptimizerConfig.sgd(0.1, 10), 3, 0);
    TokenBatch batch = batch(11, 5, 3, 1);
    engine.computeGradients(batch);
    float[] gradients = read(engine, true);
    float[] parameters = read(engine, false);
    int checked = 0;
    for (int i = 0; i < parameters.length && checked < 40; i += 7) {
      if (gradients[i] == 0f) {
        continue;
      }
      float saved = parameters[i];
      double h = 1e-2;
      parameters[i] = (float) (saved + h);
      engine.writeParameters(FloatBuffer.wrap(parameters));
      double plus = engine.evaluate(batch);
      parameters[i] = (float) (saved - h);
      engine.writeParameters(FloatBuffer.wrap(parameters));
      double minus = engine.evaluate(batch);
      parameters[i] = saved;
      engine.writeParameters(FloatBuffer.wrap(parameters));
      assertThat(gradients[i]).as("gradient %d", i).isCloseTo((float) ((plus - minus) / (2 * h)), Offset.offset(2e-3f));
      checked++;
    }
    assertThat(checked).isGreaterThan(10);
  }

  @Test
  void adamwLearnsADeterministicSequenceAndIsRegisteredAsBigram() {
    TrainingEngine engine = Engines.provider("bigram").create(model(false), adamw(60), 3, 0);
    TokenBatch batch = batch(11, 6, 8, 2);
    float first = engine.computeGradients(batch);
    engine.applyUpdate(0);
    float last = first;
    for (int step = 1; step < 60; step++) {
      last = engine.computeGradients(batch);
      engine.applyUpdate(step);
    }
    assertThat(first).isCloseTo((float) Math.log(11), Offset.offset(0.05f));
    assertThat(last).isLessThan(first / 3);
  }

  @Test
  void savedOptimizerStateContinuesExactlyWhereItStopped() {
    ModelConfig model = model(true);
    TokenBatch batch = batch(11, 6, 4, 5);
    TrainingEngine straight = new BigramEngineProvider().create(model, adamw(10), 9, 0);
    TrainingEngine interrupted = new BigramEngineProvider().create(model, adamw(10), 9, 0);
    for (int step = 0; step < 3; step++) {
      straight.computeGradients(batch);
      straight.applyUpdate(step);
      interrupted.computeGradients(batch);
      interrupted.applyUpdate(step);
    }
    interrupted.saveOptimizerState(dir);
    TrainingEngine resumed = new BigramEngineProvider().create(model, adamw(10), 1234, 0);
    resumed.writeParameters(FloatBuffer.wrap(read(interrupted, false)));
    resumed.loadOptimizerState(dir);
    for (int step = 3; step < 6; step++) {
      straight.computeGradients(batch);
      straight.applyUpdate(step);
      resumed.computeGradients(batch);
      resumed.applyUpdate(step);
    }
    assertThat(read(resumed, false)).containsExactly(read(straight, false));
  }

  @Test
  void rejectsTokensOutsideTheVocabulary() {
    TrainingEngine engine = new BigramEngineProvider().create(model(true), adamw(10), 1, 0);
    assertThatThrownBy(() -> engine.computeGradients(batch(20, 4, 2, 15)))
        .hasMessageContaining("outside the vocabulary 0..10");
  }
}
