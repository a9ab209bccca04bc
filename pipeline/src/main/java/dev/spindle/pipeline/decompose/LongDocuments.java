package dev.spindle.pipeline.decompose;

/**
 * How a document (or what is left of it) with more targets than the largest bucket is cut
 * ({@code decompose.long-documents}). Below that size both rules take the largest bucket that fits.
 */
public enum LongDocuments {
  /** Pieces of the largest bucket until the rest fits: Spindle's default, the fewest and longest sequences. */
  LARGEST("largest"),
  /**
   * As the Dataset Decomposition authors' code does by default: each piece cut from the long part gets a random
   * bucket, the shorter the likelier, with weights 1 : 2 : 4 : ... from the largest bucket down to the smallest
   * (bucket {@code 2^j} has weight {@code 2^(max - j)}). Seeded per document, so the cut is deterministic.
   */
  PAPER_RANDOM("paper-random");

  private final String configName;

  LongDocuments(String configName) {
    this.configName = configName;
  }

  public String configName() {
    return configName;
  }

  public static LongDocuments fromConfigName(String name) {
    return ConfigChoice.parse(values(), LongDocuments::configName, "long-documents", "rule", name);
  }
}
