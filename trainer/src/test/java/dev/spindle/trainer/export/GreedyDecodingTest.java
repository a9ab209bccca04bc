package dev.spindle.trainer.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.trainer.engine.Engines;
import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.OptimizerConfig;
import dev.spindle.trainer.engine.TrainingEngine;
import dev.spindle.trainer.reference.TokenBatches;
import org.junit.jupiter.api.Test;

/** Greedy decoding through a real (bigram, untied head) engine that learned the cycle 0 -> 1 -> 2 -> 0. */
class GreedyDecodingTest {
  private static final ModelConfig MODEL = new ModelConfig(1, 8, 2, 5, 6, false); // a tied bigram cannot learn x -> x+1 (Cauchy-Schwarz)

  private static TrainingEngine trainedOnACycle() {
    TrainingEngine engine = Engines.provider("bigram").create(MODEL,
        new OptimizerConfig("adamw", 0.1, 0.9, 0.95, 1e-8, 0.0, 0, 150, 0.1, 1.0), 3, 0);
    for (int step = 0; step < 150; step++) {
      int[][] rows = new int[3][7];
      for (int b = 0; b < 3; b++) {
        for (int t = 0; t < 7; t++) {
          rows[b][t] = (b + t) % 3;
        }
      }
      engine.computeGradients(TokenBatches.fromRows(rows));
      engine.applyUpdate(step);
    }
    return engine;
  }

  @Test
  void continuesTheLearnedCyclePastTheModelsMaximumLength() {
    try (TrainingEngine engine = trainedOnACycle()) {
      int[] generated = GreedyDecoding.continueGreedily(engine, new int[] {0, 1}, 14, -1);
      assertThat(generated).as("14 tokens after [0, 1] with a window of 6")
          .containsExactly(2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0);
    }
  }

  @Test
  void stopsAfterTheStopTokenAndChecksItsArguments() {
    try (TrainingEngine engine = trainedOnACycle()) {
      assertThat(GreedyDecoding.continueGreedily(engine, new int[] {1}, 10, 0)).containsExactly(2, 0);
      assertThat(GreedyDecoding.continueGreedily(engine, new int[] {1}, 0, 0)).isEmpty();
      assertThatThrownBy(() -> GreedyDecoding.continueGreedily(engine, new int[0], 3, -1))
          .hasMessageContaining("the prompt has no tokens");
    }
  }
}
