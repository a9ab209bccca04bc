package dev.spindle.dedup;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueType;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everything the dedup stage is configured by: the {@code spindle.dedup} block, whose defaults live in this
 * module's {@code reference.conf} only ({@link #from} fills what a block leaves out from there).
 *
 * @param scope GLOBAL (across sources) or LOCAL (within each source)
 * @param threshold Jaccard similarity at or above which two documents are near-duplicates, in (0, 1)
 * @param ngram words per shingle
 * @param permutations MinHash signature length
 * @param seed seeds the MinHash permutations; same seed, same result
 * @param maxBucketSize LSH buckets with more members than this are linked as a star (each member to the bucket's
 *     smallest id) instead of all pairs, bounding candidate pairs at O(n) for boilerplate buckets
 * @param verification how candidate pairs are confirmed
 * @param falsePositiveWeight weight of the false-positive area when choosing bands and rows
 * @param falseNegativeWeight weight of the false-negative area when choosing bands and rows
 * @param keep which document of a cluster is kept
 * @param against earlier dedup output directories whose kept documents new documents are deduplicated against
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record DedupConfig(
    Scope scope,
    double threshold,
    int ngram,
    int permutations,
    long seed,
    int maxBucketSize,
    Verification verification,
    double falsePositiveWeight,
    double falseNegativeWeight,
    KeepPolicy keep,
    List<String> against)
    implements Serializable {

  /** The keys of {@code spindle.dedup}; anything else in the block is a typo and refused. */
  static final Set<String> KEYS = Set.of("scope", "threshold", "ngram", "permutations", "seed", "max-bucket-size",
      "verification", "false-positive-weight", "false-negative-weight", "keep", "against");

  public DedupConfig {
    requireNonNull(scope, "scope is null");
    requireNonNull(verification, "verification is null");
    requireNonNull(keep, "keep is null");
    against = List.copyOf(requireNonNull(against, "against is null"));
    if (!(threshold > 0 && threshold < 1)) {
      throw new IllegalArgumentException("Cannot configure dedup: threshold must be in (0, 1) (got " + threshold + ")");
    }
    if (ngram < 1) {
      throw new IllegalArgumentException("Cannot configure dedup: ngram must be at least 1 (got " + ngram + ")");
    }
    if (permutations < 2) {
      throw new IllegalArgumentException("Cannot configure dedup: permutations must be at least 2 (got " + permutations + ")");
    }
    if (maxBucketSize < 2) {
      throw new IllegalArgumentException("Cannot configure dedup: max-bucket-size must be at least 2 (got " + maxBucketSize + ")");
    }
    if (!(falsePositiveWeight >= 0 && falseNegativeWeight >= 0 && falsePositiveWeight + falseNegativeWeight > 0)) {
      throw new IllegalArgumentException("Cannot configure dedup: error weights must be non-negative and not both zero (got false-positive="
          + falsePositiveWeight + ", false-negative=" + falseNegativeWeight + ")");
    }
    for (String directory : against) {
      if (directory.isBlank()) {
        throw new IllegalArgumentException("Cannot configure dedup: against lists an empty directory (got " + against + ")");
      }
    }
  }

  /** Maps a {@code spindle.dedup} block; keys it leaves out come from {@code reference.conf}. */
  public static DedupConfig from(Config dedup) {
    requireNonNull(dedup, "dedup is null");
    Set<String> unknown = new TreeSet<>(dedup.root().keySet());
    unknown.removeAll(KEYS);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("Cannot configure dedup: unknown key " + unknown
          + " under spindle.dedup (expected some of " + new TreeSet<>(KEYS) + ")");
    }
    Config c = dedup.withFallback(ConfigFactory.defaultReference(DedupConfig.class.getClassLoader())
        .getConfig("spindle.dedup"));
    try {
      return new DedupConfig(
          Scope.valueOf(upper("scope", c.getString("scope"), "global or local", Scope.class)),
          c.getDouble("threshold"),
          c.getInt("ngram"),
          c.getInt("permutations"),
          c.getLong("seed"),
          c.getInt("max-bucket-size"),
          Verification.valueOf(upper("verification", c.getString("verification"), "none, signature or exact",
              Verification.class)),
          c.getDouble("false-positive-weight"),
          c.getDouble("false-negative-weight"),
          KeepPolicy.parse(c.getString("keep")),
          directories(c));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("Cannot configure dedup: " + e.getMessage(), e);
    }
  }

  /** Bands and rows for this threshold and signature length (see {@link LshParameters#optimal}). */
  public LshParameters lsh() {
    return LshParameters.optimal(threshold, permutations, falsePositiveWeight, falseNegativeWeight);
  }

  private static <E extends Enum<E>> String upper(String key, String value, String expected, Class<E> type) {
    String name = value.strip().toUpperCase(Locale.ROOT);
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equals(name)) {
        return name;
      }
    }
    throw new IllegalArgumentException(
        "Cannot configure dedup: " + key + " '" + value + "' is unknown (expected " + expected + ")");
  }

  /** {@code against} as a HOCON list, or as one comma-separated string (what {@code --set} passes). */
  private static List<String> directories(Config c) {
    if (c.getValue("against").valueType() == ConfigValueType.STRING) {
      List<String> out = new ArrayList<>();
      for (String part : c.getString("against").split(",")) {
        if (!part.isBlank()) {
          out.add(part.strip());
        }
      }
      return out;
    }
    return c.getStringList("against");
  }
}
