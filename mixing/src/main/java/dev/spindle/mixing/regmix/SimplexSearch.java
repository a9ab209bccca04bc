package dev.spindle.mixing.regmix;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Finds the mixture a regressor predicts to be best: many uniform Dirichlet samples of the simplex (plus its
 * vertices and centre), then local refinement of the best few by moving weight between pairs of sources with a
 * shrinking step. Every candidate stays on the simplex. Deterministic for a seed.
 */
final class SimplexSearch {
  private static final int CANDIDATES = 8;
  private static final double FIRST_STEP = 0.05;
  private static final double LAST_STEP = 1e-5;

  private SimplexSearch() {}

  record Optimum(double[] weights, double predicted) {}

  static Optimum minimise(Regressor model, int dimensions, int samples, long seed) {
    List<Optimum> pool = new ArrayList<>();
    for (int i = 0; i < dimensions; i++) {
      double[] vertex = new double[dimensions];
      vertex[i] = 1;
      pool.add(new Optimum(vertex, model.predict(vertex)));
    }
    double[] centre = new double[dimensions];
    java.util.Arrays.fill(centre, 1.0 / dimensions);
    pool.add(new Optimum(centre, model.predict(centre)));
    Dirichlet dirichlet = new Dirichlet(1.0, seed);
    for (int i = 0; i < samples; i++) {
      double[] point = dirichlet.sample(dimensions);
      pool.add(new Optimum(point, model.predict(point)));
    }
    pool.sort(Comparator.comparingDouble(Optimum::predicted));
    Optimum best = null;
    for (Optimum start : pool.subList(0, Math.min(CANDIDATES, pool.size()))) {
      Optimum refined = refine(model, start);
      if (best == null || refined.predicted() < best.predicted()) {
        best = refined;
      }
    }
    return best;
  }

  private static Optimum refine(Regressor model, Optimum start) {
    double[] weights = start.weights().clone();
    double value = start.predicted();
    int k = weights.length;
    for (double step = FIRST_STEP; step >= LAST_STEP; step /= 2) {
      boolean improved = true;
      while (improved) {
        improved = false;
        for (int from = 0; from < k; from++) {
          for (int to = 0; to < k; to++) {
            double amount = Math.min(step, weights[from]);
            if (from == to || amount <= 0) {
              continue;
            }
            weights[from] -= amount;
            weights[to] += amount;
            double candidate = model.predict(weights);
            if (candidate < value - 1e-15) {
              value = candidate;
              improved = true;
            } else {
              weights[from] += amount;
              weights[to] -= amount;
            }
          }
        }
      }
    }
    return new Optimum(weights, value);
  }
}
