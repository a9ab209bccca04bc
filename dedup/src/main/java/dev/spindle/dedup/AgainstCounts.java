package dev.spindle.dedup;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * What one earlier run did to this run's documents when deduplicating {@code against} it: new documents removed
 * because their cluster's keeper is a document that run kept.
 *
 * @param directory the earlier run's dedup output, as configured
 * @param indexedDocuments documents that run kept (its index), all compared with the new ones
 * @param exactRemoved new documents removed as exact copies in a cluster kept by that run
 * @param nearRemoved new documents removed as near duplicates in a cluster kept by that run
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record AgainstCounts(String directory, long indexedDocuments, long exactRemoved, long nearRemoved) {
  public AgainstCounts {
    requireNonNull(directory, "directory is null");
    if (indexedDocuments < 0 || exactRemoved < 0 || nearRemoved < 0) {
      throw new IllegalArgumentException("Cannot report matches against " + directory + ": counts must be >= 0 (got "
          + indexedDocuments + ", " + exactRemoved + ", " + nearRemoved + ")");
    }
  }
}
