package dev.spindle.mixing.regmix;

/**
 * The regression models RegMix fits, from simplest to most flexible. Each {@link #fit} is deterministic.
 * LINEAR can only rank vertices of the simplex (its optimum is always a single source), so it serves as the
 * baseline; QUADRATIC (ridge on all pairwise products) captures interactions and an interior optimum; STUMPS
 * (gradient-boosted depth-1 trees, the small cousin of RegMix's LightGBM) captures thresholds.
 */
enum RegressorKind {
  LINEAR {
    @Override
    Regressor fit(double[][] weights, double[] losses, double penalty) {
      return RidgeRegression.fit(FeatureMap.LINEAR, weights, losses, penalty);
    }
  },
  QUADRATIC {
    @Override
    Regressor fit(double[][] weights, double[] losses, double penalty) {
      return RidgeRegression.fit(FeatureMap.QUADRATIC, weights, losses, penalty);
    }
  },
  STUMPS {
    @Override
    Regressor fit(double[][] weights, double[] losses, double penalty) {
      return GradientBoostedStumps.fit(weights, losses, penalty);
    }
  };

  /**
   * Fits the model. {@code penalty} is the ridge strength for the ridge kinds and the number of boosting
   * rounds for STUMPS; {@link #penalties()} lists the values cross-validation chooses from.
   */
  abstract Regressor fit(double[][] weights, double[] losses, double penalty);

  double[] penalties() {
    return this == STUMPS ? new double[] {50, 150, 400} : new double[] {1e-8, 1e-6, 1e-4, 1e-3, 1e-2, 1e-1};
  }

  String displayName() {
    return switch (this) {
      case LINEAR -> "linear-ridge";
      case QUADRATIC -> "quadratic-ridge";
      case STUMPS -> "boosted-stumps";
    };
  }
}
