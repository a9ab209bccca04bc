package dev.spindle.mixing.regmix;

/** A fitted model of validation loss as a function of mixture weights (a point on the simplex). */
interface Regressor {
  double predict(double[] weights);
}
