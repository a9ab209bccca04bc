package dev.spindle.trainer.engine;

import java.nio.FloatBuffer;
import java.nio.file.Path;

/**
 * A model replica that trains on {@link TokenBatch}es. Lifecycle: created by an engine factory with a
 * {@link ModelConfig}, an optimizer config and a seed (same seed = same initial parameters on every engine and
 * replica); then, per step, {@link #computeGradients} followed by either {@link #applyUpdate} (parameter sync:
 * average {@link #readParameters parameters} afterwards) or gradient exchange through
 * {@link #readGradients}/{@link #writeGradients} before {@link #applyUpdate}; finally {@link #close}.
 *
 * <p>Parameters, gradients and optimizer moments are exchanged as flat float32 vectors in
 * {@link ParameterLayout} order, so checkpoints and collectives are engine-independent. Implementations are not
 * thread-safe: one thread drives one engine.
 */
public interface TrainingEngine extends AutoCloseable {
  ModelConfig model();

  /** Number of floats in the parameter (and gradient) vector. */
  long parameterCount();

  /**
   * Forward and backward on the batch; leaves the gradient of the mean token cross-entropy in the engine.
   *
   * @return the mean cross-entropy (nats per predicted token) of the batch before the update
   */
  float computeGradients(TokenBatch batch);

  /** Mean cross-entropy of the batch without touching gradients or parameters (validation). */
  float evaluate(TokenBatch batch);

  /**
   * Forward only: the next-token logits at every input position of the batch, {@code (B, L, V)} float32 row-major,
   * written from {@code into}'s position on (which advances by {@code B * L * V}). Position {@code t} of row
   * {@code b} holds the logits after reading tokens {@code 0..t}; the batch's last token of each row (the target
   * of position L-1) is not read, so callers that only want logits may put any valid id there. Greedy decoding
   * takes the row's position L-1; export checks compare them with other implementations. Touches neither gradients
   * nor parameters.
   *
   * <p>The default fails: an engine that cannot compute logits says so by name instead of returning garbage.
   *
   * @throws IllegalArgumentException when {@code into} has fewer than {@code B * L * V} floats remaining
   */
  default void logits(TokenBatch batch, FloatBuffer into) {
    throw new UnsupportedOperationException("Cannot compute logits: the " + getClass().getSimpleName()
        + " engine does not implement TrainingEngine.logits (forward-only logits) yet; use the dl4j engine for"
        + " sampling and logit checks");
  }

  /** Floats {@link #logits} writes for {@code batch}: B * L * V. */
  default long logitCount(TokenBatch batch) {
    return batch.targetTokens() * model().vocabSize();
  }

  /**
   * One optimizer step with the current gradients (after clipping), at schedule position {@code step}
   * (0-based; drives warmup and decay).
   *
   * @return the learning rate used
   */
  double applyUpdate(long step);

  void readParameters(FloatBuffer into);

  void writeParameters(FloatBuffer from);

  void readGradients(FloatBuffer into);

  void writeGradients(FloatBuffer from);

  /**
   * The {@link ParameterChecksum} of the parameters: equal on replicas holding
   * bit-identical parameters. The default reads the parameters to the host; a GPU engine computes it on the device
   * so the per-step agreement check moves eight bytes, not the model.
   */
  default long parameterChecksum() {
    java.nio.FloatBuffer parameters = java.nio.FloatBuffer.allocate(Math.toIntExact(parameterCount()));
    readParameters(parameters);
    parameters.flip();
    return ParameterChecksum.of(parameters);
  }

  /** Saves optimizer state (moments, step count) into {@code dir}; parameters are saved by the caller. */
  void saveOptimizerState(Path dir);

  void loadOptimizerState(Path dir);

  /**
   * Averages this replica's parameters with the others in {@code collective}. The default goes through host
   * memory; a GPU engine overrides it to reduce device buffers in place (NCCL).
   */
  default void averageParameters(dev.spindle.trainer.collective.Collective collective, FloatBuffer scratch) {
    scratch.clear();
    readParameters(scratch);
    scratch.flip();
    collective.allReduceMean(scratch);
    writeParameters(scratch);
  }

  /** Like {@link #averageParameters} for the gradients (sync = gradients). */
  default void averageGradients(dev.spindle.trainer.collective.Collective collective, FloatBuffer scratch) {
    scratch.clear();
    readGradients(scratch);
    scratch.flip();
    collective.allReduceMean(scratch);
    writeGradients(scratch);
  }

  @Override
  void close();
}
