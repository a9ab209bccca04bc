package dev.spindle.mixing.regmix;

/** Solves A x = b for a symmetric positive definite A (the ridge normal equations). */
final class Cholesky {
  private Cholesky() {}

  static double[] solve(double[][] matrix, double[] rhs) {
    int n = rhs.length;
    double[][] lower = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        double sum = matrix[i][j];
        for (int k = 0; k < j; k++) {
          sum -= lower[i][k] * lower[j][k];
        }
        if (i == j) {
          if (!(sum > 0)) {
            throw new IllegalStateException(
                "Cannot solve the ridge system: matrix is not positive definite at row " + i + " (pivot " + sum
                    + "); raise the ridge penalty");
          }
          lower[i][i] = Math.sqrt(sum);
        } else {
          lower[i][j] = sum / lower[j][j];
        }
      }
    }
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double sum = rhs[i];
      for (int k = 0; k < i; k++) {
        sum -= lower[i][k] * y[k];
      }
      y[i] = sum / lower[i][i];
    }
    double[] x = new double[n];
    for (int i = n - 1; i >= 0; i--) {
      double sum = y[i];
      for (int k = i + 1; k < n; k++) {
        sum -= lower[k][i] * x[k];
      }
      x[i] = sum / lower[i][i];
    }
    return x;
  }
}
