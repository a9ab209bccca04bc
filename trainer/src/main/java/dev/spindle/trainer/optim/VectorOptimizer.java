package dev.spindle.trainer.optim;

import java.nio.file.Path;

/**
 * An optimizer over a host engine's flat parameter vector: {@link AdamW} in main (the bigram test engine has its
 * own, which trains only part of the layout). Its state is saved in the one format ({@link OptimizerStateFile}), so
 * a checkpoint resumes on any engine.
 */
public interface VectorOptimizer {
  /** Updates {@code parameters} in place from {@code gradients} (which it may clip); returns the learning rate used. */
  double update(float[] parameters, float[] gradients, long step);

  void save(Path directory);

  void load(Path directory);
}
