package dev.spindle.pipeline.ingest;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code ingest} read ({@code report.json}): per source, the files and records the readers counted, the
 * documents kept and the records rejected (by category), so that {@code records = kept + rejected}.
 */
public record IngestReport(
    long records, long kept, long rejected, boolean reconciled, Map<String, SourceCounts> sources,
    List<InputSpec> inputs) {
  public IngestReport {
    sources = Map.copyOf(sources);
    inputs = List.copyOf(inputs);
  }

  /**
   * Per-source counts: {@code records} is counted by the readers, independently of the kept/rejected rows;
   * {@code numericValues}: per field of {@code ingest.numeric-fields}, the kept documents that have a value (0 for
   * every source hints at a misspelt field).
   */
  public record SourceCounts(
      long files, long records, long kept, long rejected, long bytes, long replacedUtf8,
      Map<String, Long> rejectedByReason, Map<String, Long> numericValues) {
    public SourceCounts {
      rejectedByReason = Map.copyOf(rejectedByReason);
      // Absent from the reports of runs ingested before the setting existed (read by the report stage).
      numericValues = numericValues == null ? Map.of() : Map.copyOf(numericValues);
    }
  }

  public static IngestReport of(Map<String, SourceCounts> sources, List<InputSpec> inputs) {
    long records = sources.values().stream().mapToLong(SourceCounts::records).sum();
    long kept = sources.values().stream().mapToLong(SourceCounts::kept).sum();
    long rejected = sources.values().stream().mapToLong(SourceCounts::rejected).sum();
    return new IngestReport(records, kept, rejected, records == kept + rejected, sources, inputs);
  }

  /** Kept documents with a value for {@code field} (of {@code ingest.numeric-fields}) over all sources. */
  public long numericValues(String field) {
    return sources.values().stream().mapToLong(s -> s.numericValues().getOrDefault(field, 0L)).sum();
  }

  /** Rejections by category over all sources. */
  public Map<String, Long> rejectedByReason() {
    Map<String, Long> total = new TreeMap<>();
    sources.values().forEach(s -> s.rejectedByReason().forEach((reason, n) -> total.merge(reason, n, Long::sum)));
    return total;
  }
}
