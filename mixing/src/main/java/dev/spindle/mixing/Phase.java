package dev.spindle.mixing;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A stretch of the token budget with its own per-source weights, e.g. an annealing phase over the last 15% of
 * tokens that up-samples high-quality domains ("Does your data spark joy?", Blakeney et al. 2024). A phase runs
 * from {@code start} (a fraction of the budget) to the next phase's start, or to the end of the budget.
 * Sources a phase does not name get weight 0 in it.
 *
 * @param name unique phase name, written to the {@code phase} column of the mixed docs
 * @param start fraction of the total token budget where the phase begins, in [0, 1)
 * @param weights relative target shares by tokens, normalised here to sum to 1
 */
public record Phase(String name, double start, Map<String, Double> weights) {
  /** Name of the implicit first phase that uses the sources' own weights. */
  public static final String BASE = "main";

  public Phase {
    requireNonNull(name, "name is null");
    requireNonNull(weights, "weights is null");
    if (name.isBlank()) {
      throw new IllegalArgumentException("Cannot define a phase: name is blank");
    }
    if (!(start >= 0 && start < 1)) {
      throw new IllegalArgumentException(
          "Cannot define phase '" + name + "': start must be a fraction of the budget in [0, 1) (got " + start + ")");
    }
    double sum = 0;
    for (Map.Entry<String, Double> entry : weights.entrySet()) {
      double weight = requireNonNull(entry.getValue(), "weight is null");
      if (!(weight >= 0) || Double.isInfinite(weight)) {
        throw new IllegalArgumentException(
            "Cannot define phase '" + name + "': weight of '" + entry.getKey() + "' must be a finite number >= 0 (got "
                + weight + ")");
      }
      sum += weight;
    }
    if (!(sum > 0)) {
      throw new IllegalArgumentException(
          "Cannot define phase '" + name + "': weights must have a positive sum (got " + weights + ")");
    }
    TreeMap<String, Double> normalised = new TreeMap<>();
    for (Map.Entry<String, Double> entry : weights.entrySet()) {
      normalised.put(entry.getKey(), entry.getValue() / sum);
    }
    weights = Collections.unmodifiableMap(normalised);
  }

  /** Normalised weight of a source in this phase; 0 when the phase does not name it. */
  public double weightOf(String source) {
    return weights.getOrDefault(source, 0.0);
  }
}
