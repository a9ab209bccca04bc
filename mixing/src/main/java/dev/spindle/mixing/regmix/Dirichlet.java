package dev.spindle.mixing.regmix;

import java.util.SplittableRandom;

/**
 * Samples points of the simplex from a symmetric Dirichlet distribution: small alpha gives mixtures dominated by
 * a few sources, alpha = 1 is uniform over the simplex, large alpha stays near equal weights. Gamma variates by
 * Marsaglia and Tsang (2000), with the alpha < 1 boost.
 */
final class Dirichlet {
  private final double alpha;
  private final SplittableRandom random;

  Dirichlet(double alpha, long seed) {
    if (!(alpha > 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException("Cannot sample a Dirichlet: alpha must be a finite number > 0 (got " + alpha + ")");
    }
    this.alpha = alpha;
    this.random = new SplittableRandom(seed);
  }

  double[] sample(int dimensions) {
    double[] point = new double[dimensions];
    double sum = 0;
    while (!(sum > 0)) {
      sum = 0;
      for (int i = 0; i < dimensions; i++) {
        point[i] = gamma(alpha);
        sum += point[i];
      }
    }
    for (int i = 0; i < dimensions; i++) {
      point[i] /= sum;
    }
    return point;
  }

  private double gamma(double shape) {
    if (shape < 1) {
      return gamma(shape + 1) * Math.pow(random.nextDouble(), 1 / shape);
    }
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x;
      double v;
      do {
        x = normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      double u = random.nextDouble();
      if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
        return d * v;
      }
    }
  }

  /** Standard normal by Box-Muller (one of the pair; simplicity over speed). */
  private double normal() {
    double u = 1 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
