package dev.spindle.dedup;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;
import java.util.TreeMap;

/**
 * What dedup did to one source (or to all of them): every input document is either kept or removed once, as an
 * exact or a near duplicate. {@code clusterSizes} maps a cluster size to how many clusters of that size have their
 * keeper in this source (size 1 = documents with no duplicate).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SourceCounts(long input, long exactRemoved, long nearRemoved, long kept, Map<Long, Long> clusterSizes) {
  public SourceCounts {
    requireNonNull(clusterSizes, "clusterSizes is null");
    if (input < 0 || exactRemoved < 0 || nearRemoved < 0 || kept < 0) {
      throw new IllegalArgumentException("Cannot report dedup counts: counts must be non-negative (got input=" + input
          + ", exact_removed=" + exactRemoved + ", near_removed=" + nearRemoved + ", kept=" + kept + ")");
    }
    if (input != kept + exactRemoved + nearRemoved) {
      throw new IllegalArgumentException("Cannot report dedup counts: input must equal kept + exact_removed + near_removed (got input="
          + input + ", kept=" + kept + ", exact_removed=" + exactRemoved + ", near_removed=" + nearRemoved + ")");
    }
    clusterSizes = java.util.Collections.unmodifiableMap(new TreeMap<>(clusterSizes));
  }
}
