package dev.spindle.pipeline.stage;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.pipeline.io.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The {@code accounting} block of a stage's {@code report.json}: every record read since the first stage that
 * read them ({@code read_by}) is kept here, removed on purpose, or rejected as bad input, by reason:
 * {@code read = kept + removed + rejected}. A stage continues its input's accounting when it read exactly the
 * records its upstream stage kept; otherwise (e.g. after a mix, which repeats documents) the count starts again.
 *
 * @param readBy the stage that read the records counted in {@code read}
 * @param read records read from the raw input (or by {@code readBy})
 * @param kept records in this stage's output
 * @param keptIn the folder holding the kept records
 * @param removed records removed by this stage or upstream, by reason
 * @param rejected records rejected by this stage or upstream, by reason
 * @param rejectedIn the folders holding the rejected records
 * @param reconciled {@code read == kept + removed + rejected}
 */
public record Accounting(
    String readBy, long read, long kept, String keptIn, Map<String, Long> removed, Map<String, Long> rejected,
    List<String> rejectedIn, boolean reconciled) {
  public static final String FIELD = "accounting";

  public Accounting {
    requireNonNull(readBy, "readBy is null");
    requireNonNull(keptIn, "keptIn is null");
    removed = Collections.unmodifiableMap(new TreeMap<>(requireNonNull(removed, "removed is null")));
    rejected = Collections.unmodifiableMap(new TreeMap<>(requireNonNull(rejected, "rejected is null")));
    rejectedIn = List.copyOf(requireNonNull(rejectedIn, "rejectedIn is null"));
  }

  /**
   * This stage's records chained onto {@code upstream}, the accounting of the stage whose kept records this stage
   * read (the caller checks that the folders match; the counts must match too).
   */
  static Accounting of(String stage, StageRecords own, Optional<Accounting> upstream, Path output) {
    List<String> rejectedIn = new ArrayList<>();
    Map<String, Long> removed = new TreeMap<>();
    Map<String, Long> rejected = new TreeMap<>();
    String readBy = stage;
    long read = own.in();
    if (upstream.isPresent() && upstream.get().kept() == own.in()) {
      Accounting before = upstream.get();
      readBy = before.readBy();
      read = before.read();
      removed.putAll(before.removed());
      rejected.putAll(before.rejected());
      rejectedIn.addAll(before.rejectedIn());
    }
    own.removed().forEach((reason, n) -> removed.merge(reason, n, Long::sum));
    own.rejected().forEach((reason, n) -> rejected.merge(reason, n, Long::sum));
    if (own.rejectedFolder() != null && StageRecords.sum(own.rejected()) > 0) {
      rejectedIn.add(output.toAbsolutePath().normalize().resolve(own.rejectedFolder()).toString());
    }
    long accounted = own.out() + StageRecords.sum(removed) + StageRecords.sum(rejected);
    String keptIn = output.toAbsolutePath().normalize().resolve(own.outputFolder()).toString();
    return new Accounting(readBy, read, own.out(), keptIn, removed, rejected, rejectedIn, accounted == read);
  }

  /** The accounting in a committed stage's {@code report.json}, if it has one. */
  static Optional<Accounting> readFrom(Path stageDirectory) {
    Path report = stageDirectory.resolve(StageRunner.REPORT);
    if (!Files.isRegularFile(report)) {
      return Optional.empty();
    }
    try {
      JsonNode node = Json.read(report).get(FIELD);
      return node == null || node.isNull() ? Optional.empty()
          : Optional.of(Json.mapper().treeToValue(node, Accounting.class));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  public long removedTotal() {
    return StageRecords.sum(removed);
  }

  public long rejectedTotal() {
    return StageRecords.sum(rejected);
  }

  /**
   * One line for people: {@code 41 records read: 30 kept, 5 removed (exact duplicate 3, near duplicate 2), 6 rejected
   * (malformed JSON 3, empty text 3) in /runs/x/ingest/rejected}.
   */
  public String describe() {
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%d records read: %d kept, %d removed", read,
        kept, removedTotal()));
    line.append(reasons(removed));
    line.append(String.format(Locale.ROOT, ", %d rejected", rejectedTotal())).append(reasons(rejected));
    if (rejectedTotal() > 0 && !rejectedIn.isEmpty()) {
      line.append(" in ").append(String.join(", ", rejectedIn));
    }
    if (!reconciled) {
      line.append(" (DOES NOT RECONCILE)");
    }
    return line.toString();
  }

  private static String reasons(Map<String, Long> counts) {
    if (counts.values().stream().allMatch(n -> n == 0)) {
      return "";
    }
    List<String> parts = new ArrayList<>();
    counts.forEach((reason, n) -> {
      if (n > 0) {
        parts.add(reason + " " + n);
      }
    });
    return " (" + String.join(", ", parts) + ")";
  }
}
