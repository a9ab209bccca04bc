package dev.spindle.pipeline.decompose;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;

/**
 * Decompose settings ({@code spindle.decompose}).
 *
 * @param mode {@code dd} or {@code concat-chunk}
 * @param minLength the smallest bucket (tokens of context); shorter remainders are dropped and counted
 * @param maxLength the largest bucket; concat-chunk cuts every sequence at this length
 * @param seed orders sequences inside each bucket (and documents in concat-chunk when the input has no
 *     {@code position})
 * @param partitions Spark partitions used to write the buckets (each bucket's files are a contiguous run of them)
 * @param stride {@code dd}: where a document's next piece starts ({@link Stride})
 * @param longDocuments {@code dd}: how parts longer than the largest bucket are cut ({@link LongDocuments}); the
 *     random rule draws from {@code seed}
 */
public record DecomposeConfig(DecomposeMode mode, int minLength, int maxLength, long seed, int partitions,
    Stride stride, LongDocuments longDocuments)
    implements java.io.Serializable {
  /** Sequences are Java int arrays of length + 1 built in one task; 2^24 tokens (64 MB) is plenty. */
  public static final int LARGEST_LENGTH = 1 << 24;

  public DecomposeConfig {
    requireNonNull(mode, "mode is null");
    requireNonNull(stride, "stride is null");
    requireNonNull(longDocuments, "longDocuments is null");
    checkPowerOfTwo("decompose.min-length", minLength);
    checkPowerOfTwo("decompose.max-length", maxLength);
    if (minLength > maxLength) {
      throw new IllegalArgumentException(
          "Cannot configure decompose: min-length must not exceed max-length (got min-length " + minLength
              + ", max-length " + maxLength + ")");
    }
    if (partitions < 1) {
      throw new IllegalArgumentException(
          "Cannot configure decompose: decompose.partitions must be at least 1 (got " + partitions + ")");
    }
  }

  public static DecomposeConfig from(Config spindle) {
    Config c = spindle.getConfig("decompose");
    return new DecomposeConfig(
        DecomposeMode.fromConfigName(c.getString("mode")),
        c.getInt("min-length"),
        c.getInt("max-length"),
        c.getLong("seed"),
        c.getInt("partitions"),
        Stride.fromConfigName(c.getString("stride")),
        LongDocuments.fromConfigName(c.getString("long-documents")));
  }

  /** The decomposition rule of {@code dd} mode. */
  public DatasetDecomposition decomposition() {
    return new DatasetDecomposition(minLength, maxLength, stride, longDocuments);
  }

  /** What the manifest records of the cutting rule: {@code dd}'s stride and long-document rule, none otherwise. */
  public Manifest.Rule rule() {
    return mode == DecomposeMode.DD ? new Manifest.Rule(stride.configName(), longDocuments.configName()) : null;
  }

  private static void checkPowerOfTwo(String key, int value) {
    if (value < 1 || Integer.bitCount(value) != 1 || value > LARGEST_LENGTH) {
      throw new IllegalArgumentException(
          "Cannot configure decompose: " + key + " must be a power of two between 1 and " + LARGEST_LENGTH
              + " (got " + value + (value > 1 ? "; nearest below is " + Integer.highestOneBit(value) : "") + ")");
    }
  }
}
