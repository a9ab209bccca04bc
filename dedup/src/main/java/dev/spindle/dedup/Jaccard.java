package dev.spindle.dedup;

/** Exact Jaccard similarity of two shingle sets given as sorted arrays of distinct values ({@link Shingles}). */
public final class Jaccard {
  private Jaccard() {}

  public static double of(long[] left, long[] right) {
    if (left.length == 0 && right.length == 0) {
      return 1.0;
    }
    int i = 0;
    int j = 0;
    int shared = 0;
    while (i < left.length && j < right.length) {
      if (left[i] == right[j]) {
        shared++;
        i++;
        j++;
      } else if (left[i] < right[j]) {
        i++;
      } else {
        j++;
      }
    }
    return (double) shared / (left.length + right.length - shared);
  }
}
