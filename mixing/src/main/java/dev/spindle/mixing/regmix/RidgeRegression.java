package dev.spindle.mixing.regmix;

/**
 * Ridge regression with an unpenalised intercept, solved in closed form by Cholesky. The penalty is scaled by
 * the number of runs and keeps the system solvable even though weights on the simplex are collinear (they sum
 * to 1, so the intercept and the linear terms overlap).
 */
final class RidgeRegression implements Regressor {
  private final FeatureMap features;
  private final double intercept;
  private final double[] coefficients;

  private RidgeRegression(FeatureMap features, double intercept, double[] coefficients) {
    this.features = features;
    this.intercept = intercept;
    this.coefficients = coefficients;
  }

  static RidgeRegression fit(FeatureMap features, double[][] weights, double[] losses, double penalty) {
    int n = weights.length;
    double[][] x = new double[n][];
    for (int i = 0; i < n; i++) {
      x[i] = features.expand(weights[i]);
    }
    int p = x[0].length;
    double[] mean = new double[p];
    double meanLoss = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < p; j++) {
        mean[j] += x[i][j] / n;
      }
      meanLoss += losses[i] / n;
    }
    double[][] gram = new double[p][p];
    double[] moment = new double[p];
    for (int i = 0; i < n; i++) {
      for (int a = 0; a < p; a++) {
        double xa = x[i][a] - mean[a];
        moment[a] += xa * (losses[i] - meanLoss);
        for (int b = 0; b <= a; b++) {
          gram[a][b] += xa * (x[i][b] - mean[b]);
        }
      }
    }
    for (int a = 0; a < p; a++) {
      gram[a][a] += penalty * n + 1e-12;
      for (int b = 0; b < a; b++) {
        gram[b][a] = gram[a][b];
      }
    }
    double[] beta = Cholesky.solve(gram, moment);
    double intercept = meanLoss;
    for (int j = 0; j < p; j++) {
      intercept -= beta[j] * mean[j];
    }
    return new RidgeRegression(features, intercept, beta);
  }

  @Override
  public double predict(double[] weights) {
    double[] x = features.expand(weights);
    double value = intercept;
    for (int j = 0; j < x.length; j++) {
      value += coefficients[j] * x[j];
    }
    return value;
  }
}
