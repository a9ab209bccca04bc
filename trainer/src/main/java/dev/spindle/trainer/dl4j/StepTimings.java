package dev.spindle.trainer.dl4j;

/**
 * Cumulative wall time an engine spent in each part of its steps, so a benchmark can show where a step goes.
 * Written only by the engine's own thread.
 */
final class StepTimings {
  private long steps;
  private long inputNanos;
  private long forwardBackwardNanos;
  private long gradientCopyNanos;
  private long updateNanos;

  void recordGradients(long input, long forwardBackward, long gradientCopy) {
    steps++;
    inputNanos += input;
    forwardBackwardNanos += forwardBackward;
    gradientCopyNanos += gradientCopy;
  }

  void recordUpdate(long update) {
    updateNanos += update;
  }

  long steps() {
    return steps;
  }

  /** Placeholder preparation plus copying changed parameters into the graph. */
  double inputMillis() {
    return millis(inputNanos);
  }

  double forwardBackwardMillis() {
    return millis(forwardBackwardNanos);
  }

  double gradientCopyMillis() {
    return millis(gradientCopyNanos);
  }

  double updateMillis() {
    return millis(updateNanos);
  }

  private static double millis(long nanos) {
    return nanos / 1e6;
  }
}
