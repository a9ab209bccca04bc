package dev.spindle.dedup;

/**
 * How LSH candidate pairs are checked before they become duplicate edges. Banding alone lets through pairs whose
 * similarity is below the threshold (the S-curve's false positives); checking them cuts those.
 */
public enum Verification {
  /** Every candidate pair is an edge: fastest, most false positives. */
  NONE,
  /** Keep a pair when the fraction of equal MinHash values (the Jaccard estimate) reaches the threshold. */
  SIGNATURE,
  /** Keep a pair when the exact Jaccard of the shingle sets reaches the threshold; carries every shingle set. */
  EXACT
}
