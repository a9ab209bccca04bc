package dev.spindle.mixing.regmix;

/** How mixture weights become regression features (the intercept is handled by the regression). */
enum FeatureMap {
  /** w_1 .. w_k. */
  LINEAR,
  /** w_1 .. w_k and every product w_i * w_j with i <= j. */
  QUADRATIC;

  double[] expand(double[] weights) {
    int k = weights.length;
    if (this == LINEAR) {
      return weights.clone();
    }
    double[] features = new double[k + k * (k + 1) / 2];
    System.arraycopy(weights, 0, features, 0, k);
    int next = k;
    for (int i = 0; i < k; i++) {
      for (int j = i; j < k; j++) {
        features[next++] = weights[i] * weights[j];
      }
    }
    return features;
  }
}
