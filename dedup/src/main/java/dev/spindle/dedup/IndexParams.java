package dev.spindle.dedup;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * What makes the signatures of two dedup runs comparable, written next to a run's signature index
 * ({@code index/_params.json}): the shingle size, the MinHash permutations and seed, and the format (the text
 * normalisation and shingling rules; bumped when they change). Bands and rows are not needed: band keys are
 * recomputed from the stored signatures with the current run's banding.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record IndexParams(int format, int ngram, int permutations, long seed) {
  /** The current normalisation and shingling ({@link TextNormalizer}, {@link Shingles}, {@link MinHasher}). */
  public static final int FORMAT = 1;

  public static IndexParams of(DedupConfig config) {
    return new IndexParams(FORMAT, config.ngram(), config.permutations(), config.seed());
  }

  /** Throws, naming the differing settings, when signatures made with {@code earlier} cannot be compared. */
  public void requireComparable(IndexParams earlier, String directory) {
    if (!equals(earlier)) {
      throw new IllegalArgumentException("Cannot dedup against " + directory + ": its signatures were made with "
          + describe(earlier) + " (expected " + describe(this) + "); use the same dedup.ngram, dedup.permutations "
          + "and dedup.seed as that run, or re-run it");
    }
  }

  private static String describe(IndexParams params) {
    return "format " + params.format + ", ngram " + params.ngram + ", permutations " + params.permutations
        + ", seed " + params.seed;
  }
}
