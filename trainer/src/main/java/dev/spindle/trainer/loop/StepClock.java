package dev.spindle.trainer.loop;

/**
 * Running totals of one trainer's step time and where it went (compute, input wait, sync, checkpoints, validation),
 * and the totals when the last progress line was shown, so that a line's rates describe the steps since the
 * previous line: under Dataset Decomposition the length changes from step to step, and a run-long average would not
 * describe the length the line shows.
 */
final class StepClock {
  long steps;
  double stepNanos;
  double computeNanos;
  double waitNanos;
  double syncNanos;
  double checkpointNanos;
  double validationNanos;
  long tokens;
  private long shownTokens;
  private double shownStepNanos;
  private double shownWaitNanos;
  private double shownSyncNanos;

  void add(long step, long compute, long wait, long sync, long stepTokens) {
    steps++;
    stepNanos += step;
    computeNanos += compute;
    waitNanos += wait;
    syncNanos += sync;
    tokens += stepTokens;
  }

  /** Tokens per second of step time since the last {@link #markShown}. */
  double tokensPerSecondSinceShown() {
    return (tokens - shownTokens) / ((stepNanos - shownStepNanos) / 1e9);
  }

  /** Input wait as a share of step time since the last {@link #markShown}. */
  double waitShareSinceShown() {
    return (waitNanos - shownWaitNanos) / (stepNanos - shownStepNanos);
  }

  /** Averaging and agreement checks as a share of step time since the last {@link #markShown}. */
  double syncShareSinceShown() {
    return (syncNanos - shownSyncNanos) / (stepNanos - shownStepNanos);
  }

  /** The next line's rates start here. */
  void markShown() {
    shownTokens = tokens;
    shownStepNanos = stepNanos;
    shownWaitNanos = waitNanos;
    shownSyncNanos = syncNanos;
  }
}
