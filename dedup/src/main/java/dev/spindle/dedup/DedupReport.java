package dev.spindle.dedup;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The dedup stage's report.json.
 *
 * @param config the configuration the run used (its {@code keep} is the keeper policy)
 * @param bands LSH bands chosen for the threshold
 * @param rows LSH rows per band
 * @param falsePositiveArea weighted-error term below the threshold for these bands and rows
 * @param falseNegativeArea weighted-error term above the threshold for these bands and rows
 * @param sources per source: input, exact_removed, near_removed, kept, cluster sizes (clusters kept by an earlier
 *     run are counted under {@code against} instead)
 * @param totals the same over all sources
 * @param candidatePairs distinct pairs that shared a band (after the star rule for oversized buckets)
 * @param verifiedPairs candidate pairs that passed verification: the near-duplicate edges
 * @param oversizedBuckets buckets larger than max_bucket_size, linked as stars
 * @param componentIterations large-star/small-star rounds until the components stopped changing
 * @param phaseSeconds wall seconds per phase, in execution order
 * @param against per earlier run deduplicated against, in the configured order: what it removed here
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record DedupReport(
    DedupConfig config,
    int bands,
    int rows,
    double falsePositiveArea,
    double falseNegativeArea,
    Map<String, SourceCounts> sources,
    SourceCounts totals,
    long candidatePairs,
    long verifiedPairs,
    long oversizedBuckets,
    int componentIterations,
    Map<String, Double> phaseSeconds,
    List<AgainstCounts> against) {

  public DedupReport {
    requireNonNull(config, "config is null");
    requireNonNull(totals, "totals is null");
    sources = Collections.unmodifiableMap(new TreeMap<>(requireNonNull(sources, "sources is null")));
    phaseSeconds = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(phaseSeconds, "phaseSeconds is null")));
    against = List.copyOf(requireNonNull(against, "against is null"));
    long sum = sources.values().stream().mapToLong(SourceCounts::input).sum();
    if (sum != totals.input()) {
      throw new IllegalArgumentException("Cannot report dedup: per-source inputs must add up to the total (expected " + totals.input() + ", got " + sum + ")");
    }
  }
}
