package dev.spindle.mixing;

import static java.util.Objects.requireNonNull;

/**
 * One source of a mixture: its target share of the base phase's tokens and how many passes over its
 * documents the mix may make. {@code weight} is relative; {@link MixtureSpec} normalises the weights of all
 * sources to sum to 1.
 *
 * @param name source name as written by ingest (the {@code source} column)
 * @param weight relative target share by tokens, at least 0
 * @param maxEpochs most passes over the source's tokens, more than 0 (fractions allowed, e.g. 1.5)
 */
public record SourceSpec(String name, double weight, double maxEpochs) {
  public SourceSpec {
    requireNonNull(name, "name is null");
    if (name.isBlank()) {
      throw new IllegalArgumentException("Cannot define a mixture source: name is blank");
    }
    if (!(weight >= 0) || Double.isInfinite(weight)) {
      throw new IllegalArgumentException(
          "Cannot define mixture source '" + name + "': weight must be a finite number >= 0 (got " + weight + ")");
    }
    if (!(maxEpochs > 0) || Double.isInfinite(maxEpochs)) {
      throw new IllegalArgumentException(
          "Cannot define mixture source '" + name + "': max-epochs must be a finite number > 0 (got "
              + maxEpochs + ")");
    }
  }

  SourceSpec withWeight(double newWeight) {
    return new SourceSpec(name, newWeight, maxEpochs);
  }
}
