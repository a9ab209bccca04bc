package dev.spindle.mixing;

/**
 * Megatron-style greedy blending by tokens: at each position emit the source whose achieved tokens lag its
 * target most, where a source's target grows by its current weight for every token emitted. A source's lag
 * only falls when it is chosen, and it is chosen only while it lags most, so every prefix of the output holds
 * each source within about one document of its target: a run truncated anywhere still has the right mix.
 *
 * <p>Targets accumulate across phases (each token adds the weights of the phase it was emitted in), so the
 * residual of one phase is corrected in the next instead of being forgotten.
 */
final class GreedyBlender {
  private final double[] target;
  private final long[] achieved;

  GreedyBlender(int sources) {
    target = new double[sources];
    achieved = new long[sources];
  }

  /**
   * The eligible source with the largest lag (target minus achieved); ties go to the lowest index so the
   * choice is deterministic. Returns -1 when no source is eligible.
   */
  int pick(boolean[] eligible) {
    int best = -1;
    double bestLag = Double.NEGATIVE_INFINITY;
    for (int source = 0; source < target.length; source++) {
      if (eligible[source]) {
        double lag = lag(source);
        if (lag > bestLag) {
          best = source;
          bestLag = lag;
        }
      }
    }
    return best;
  }

  /** Accounts {@code tokens} emitted from {@code source} under the phase weights {@code weights}. */
  void record(int source, int tokens, double[] weights) {
    for (int other = 0; other < target.length; other++) {
      target[other] += weights[other] * tokens;
    }
    achieved[source] += tokens;
  }

  /** Target minus achieved tokens of a source; positive when it is behind. */
  double lag(int source) {
    return target[source] - achieved[source];
  }

  double target(int source) {
    return target[source];
  }

  long achieved(int source) {
    return achieved[source];
  }
}
