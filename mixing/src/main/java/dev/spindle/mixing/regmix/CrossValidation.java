package dev.spindle.mixing.regmix;

import java.util.SplittableRandom;

/**
 * K-fold cross-validation of a regressor kind on proxy runs: every run's loss is predicted by a model fitted
 * without it. Folds come from a seeded shuffle, so scores repeat run to run.
 */
final class CrossValidation {
  private CrossValidation() {}

  /** Out-of-fold fit quality: R² (1 - SSE/SST, may be negative) and root mean squared error. */
  record Score(double r2, double rmse) {}

  static Score score(RegressorKind kind, double penalty, ProxyRuns runs, int folds, long seed) {
    int n = runs.size();
    int[] fold = folds(n, folds, seed);
    double[] predicted = new double[n];
    for (int f = 0; f < folds; f++) {
      int trainSize = 0;
      for (int i = 0; i < n; i++) {
        if (fold[i] != f) {
          trainSize++;
        }
      }
      double[][] weights = new double[trainSize][];
      double[] losses = new double[trainSize];
      int next = 0;
      for (int i = 0; i < n; i++) {
        if (fold[i] != f) {
          weights[next] = runs.weights()[i];
          losses[next++] = runs.losses()[i];
        }
      }
      Regressor model = kind.fit(weights, losses, penalty);
      for (int i = 0; i < n; i++) {
        if (fold[i] == f) {
          predicted[i] = model.predict(runs.weights()[i]);
        }
      }
    }
    return quality(runs.losses(), predicted);
  }

  static Score quality(double[] actual, double[] predicted) {
    double mean = 0;
    for (double value : actual) {
      mean += value / actual.length;
    }
    double squaredError = 0;
    double total = 0;
    for (int i = 0; i < actual.length; i++) {
      squaredError += (actual[i] - predicted[i]) * (actual[i] - predicted[i]);
      total += (actual[i] - mean) * (actual[i] - mean);
    }
    double r2 = total == 0 ? (squaredError == 0 ? 1 : 0) : 1 - squaredError / total;
    return new Score(r2, Math.sqrt(squaredError / actual.length));
  }

  private static int[] folds(int n, int folds, long seed) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    int[] fold = new int[n];
    for (int i = 0; i < n; i++) {
      fold[order[i]] = i % folds;
    }
    return fold;
  }
}
