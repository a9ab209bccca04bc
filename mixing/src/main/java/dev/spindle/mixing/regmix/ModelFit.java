package dev.spindle.mixing.regmix;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One regression model's answer: the mixture it predicts to be best, the loss it predicts there, and how well
 * it fits the proxy runs.
 *
 * @param model model name (linear-ridge, quadratic-ridge, boosted-stumps)
 * @param weights predicted best weight per source, summing to 1
 * @param predictedLoss the model's loss at those weights
 * @param trainR2 R² on all proxy runs
 * @param crossValidatedR2 R² of out-of-fold predictions (k-fold, k = min(5, runs))
 * @param crossValidatedRmse root mean squared error of out-of-fold predictions
 * @param penalty the chosen ridge penalty, or boosting rounds for boosted-stumps
 */
public record ModelFit(
    String model,
    Map<String, Double> weights,
    double predictedLoss,
    double trainR2,
    double crossValidatedR2,
    double crossValidatedRmse,
    double penalty) {
  public ModelFit {
    requireNonNull(model, "model is null");
    weights = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(weights, "weights is null")));
  }
}
