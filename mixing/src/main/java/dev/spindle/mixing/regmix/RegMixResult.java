package dev.spindle.mixing.regmix;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What RegMix recommends: the predicted best mixture of the model that cross-validates best, and every model's
 * own answer and fit quality so a user can see whether the models agree.
 *
 * @param sources source names in CSV order
 * @param runs number of proxy runs fitted
 * @param bestModel the model with the highest cross-validated R²
 * @param weights that model's predicted best weight per source
 * @param predictedLoss that model's predicted loss at those weights
 * @param models every model's answer, in order linear-ridge, quadratic-ridge, boosted-stumps
 */
public record RegMixResult(
    List<String> sources,
    int runs,
    String bestModel,
    Map<String, Double> weights,
    double predictedLoss,
    List<ModelFit> models) {
  public RegMixResult {
    sources = List.copyOf(requireNonNull(sources, "sources is null"));
    requireNonNull(bestModel, "bestModel is null");
    weights = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(weights, "weights is null")));
    models = List.copyOf(requireNonNull(models, "models is null"));
  }

  /** The answer of one model by name. */
  public ModelFit model(String name) {
    return models.stream()
        .filter(fit -> fit.model().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("Cannot find RegMix model '" + name + "' (expected one of "
            + models.stream().map(ModelFit::model).toList() + ")"));
  }
}
