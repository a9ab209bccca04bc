package dev.spindle.pipeline.stage;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one stage did with the records it read: {@code in = out + removed + rejected}, each removal and rejection
 * counted by reason. A stage that accounts records ({@link Stage#records}) returns this; the runner chains it with
 * its input's own accounting into the {@link Accounting} of {@code report.json}.
 *
 * @param inputName the named input the records came from, or null when the stage reads raw files (ingest)
 * @param outputFolder the folder of the stage output that holds the {@code out} records (e.g. {@code kept})
 * @param in records read
 * @param out records written to {@code outputFolder}
 * @param removed records dropped on purpose (e.g. duplicates), by reason
 * @param rejected records quarantined as bad input, by reason
 * @param rejectedFolder the folder of the stage output that holds the rejected records, or null when none
 */
public record StageRecords(
    String inputName, String outputFolder, long in, long out, Map<String, Long> removed,
    Map<String, Long> rejected, String rejectedFolder) {
  public StageRecords {
    requireNonNull(outputFolder, "outputFolder is null");
    removed = Collections.unmodifiableMap(new TreeMap<>(requireNonNull(removed, "removed is null")));
    rejected = Collections.unmodifiableMap(new TreeMap<>(requireNonNull(rejected, "rejected is null")));
    long accounted = out + sum(removed) + sum(rejected);
    if (accounted != in) {
      throw new IllegalStateException("Cannot account records: " + in + " read but " + out + " kept + "
          + sum(removed) + " removed " + removed + " + " + sum(rejected) + " rejected " + rejected + " = "
          + accounted);
    }
  }

  static long sum(Map<String, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }
}
