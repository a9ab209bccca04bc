package dev.spindle.pipeline.decompose;

import dev.spindle.trainer.plan.Manifest;
import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts documents, tokens and sequences as the decomposition is computed, mergeable across Spark partitions.
 * These expected counts are compared with the rows actually written, so a lost or duplicated sequence fails the
 * stage instead of silently skewing training.
 */
public final class TokenAccounting implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Map<String, long[]> sources = new TreeMap<>();
  private final Map<Integer, Long> sequencesByLength = new TreeMap<>();

  // Indexes into a source's counters.
  private static final int DOCUMENTS = 0;
  private static final int DOCUMENT_TOKENS = 1;
  private static final int BUCKET_TOKENS = 2;
  private static final int DROPPED_TOKENS = 3;
  private static final int CONTEXT_ONLY_TOKENS = 4;
  private static final int DROPPED_DOCUMENTS = 5;

  /**
   * One document: its tokens, the targets it contributes to buckets, the targets dropped, and its tokens that are
   * no target at all (its first token in dd; the stream's first token in concat-chunk).
   */
  public void addDocument(String source, int documentTokens, long keptTargets, long droppedTargets,
      long contextOnlyTokens) {
    if (keptTargets + droppedTargets + contextOnlyTokens != documentTokens) {
      throw new IllegalStateException(
          "Cannot account document of " + source + ": kept " + keptTargets + " + dropped " + droppedTargets
              + " + context-only " + contextOnlyTokens + " != " + documentTokens + " tokens");
    }
    long[] counts = sources.computeIfAbsent(source, s -> new long[6]);
    counts[DOCUMENTS]++;
    counts[DOCUMENT_TOKENS] += documentTokens;
    counts[BUCKET_TOKENS] += keptTargets;
    counts[DROPPED_TOKENS] += droppedTargets;
    counts[CONTEXT_ONLY_TOKENS] += contextOnlyTokens;
    if (keptTargets == 0) {
      counts[DROPPED_DOCUMENTS]++;
    }
  }

  public void addSequences(int length, long count) {
    if (count > 0) {
      sequencesByLength.merge(length, count, Long::sum);
    }
  }

  public TokenAccounting merge(TokenAccounting other) {
    other.sources.forEach((source, counts) -> {
      long[] mine = sources.computeIfAbsent(source, s -> new long[6]);
      for (int i = 0; i < mine.length; i++) {
        mine[i] += counts[i];
      }
    });
    other.sequencesByLength.forEach((length, count) -> sequencesByLength.merge(length, count, Long::sum));
    return this;
  }

  /** Expected sequences per bucket length, ascending. */
  public Map<Integer, Long> sequencesByLength() {
    return new TreeMap<>(sequencesByLength);
  }

  public Map<String, Manifest.Totals> sources() {
    Map<String, Manifest.Totals> out = new TreeMap<>();
    sources.forEach((source, c) -> out.put(source, new Manifest.Totals(c[DOCUMENTS], c[DOCUMENT_TOKENS],
        c[BUCKET_TOKENS], c[DROPPED_TOKENS], c[CONTEXT_ONLY_TOKENS], c[DROPPED_DOCUMENTS])));
    return out;
  }

  public Manifest.Totals totals() {
    long[] sum = new long[6];
    sources.values().forEach(counts -> {
      for (int i = 0; i < sum.length; i++) {
        sum[i] += counts[i];
      }
    });
    return new Manifest.Totals(sum[DOCUMENTS], sum[DOCUMENT_TOKENS], sum[BUCKET_TOKENS], sum[DROPPED_TOKENS],
        sum[CONTEXT_ONLY_TOKENS], sum[DROPPED_DOCUMENTS]);
  }
}
