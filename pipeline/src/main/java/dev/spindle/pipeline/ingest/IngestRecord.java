package dev.spindle.pipeline.ingest;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** What one input line or row becomes: a document, or a rejected record with the reason. */
public sealed interface IngestRecord {
  String source();

  /** Where the record was read: {@code file:line} (a Parquet file's row number counts as its line). */
  String location();

  /**
   * A kept document; {@code bytes} is the UTF-8 size of {@code text}; {@code numbers} holds the values of
   * {@code ingest.numeric-fields}, in that order, null where the record has none.
   */
  record Doc(String id, String source, String text, long bytes, String location, List<Double> numbers)
      implements IngestRecord {
    public Doc {
      requireNonNull(id, "id is null");
      requireNonNull(source, "source is null");
      requireNonNull(text, "text is null");
      requireNonNull(location, "location is null");
      // Not List.copyOf: a missing value is a null element.
      numbers = Collections.unmodifiableList(new ArrayList<>(requireNonNull(numbers, "numbers is null")));
    }
  }

  /**
   * A quarantined input with where it came from ({@code file:line}), why, and its first bytes. The reason starts
   * with its category and a colon ({@code malformed JSON: ...}); reports count rejections by category.
   */
  record Rejected(String source, String location, String reason, String raw) implements IngestRecord {
    public static final int RAW_LIMIT = 1000;

    public Rejected {
      requireNonNull(source, "source is null");
      requireNonNull(location, "location is null");
      requireNonNull(reason, "reason is null");
      raw = raw == null ? "" : truncate(raw);
    }

    private static String truncate(String raw) {
      if (raw.length() <= RAW_LIMIT) {
        return raw;
      }
      int end = RAW_LIMIT;
      if (Character.isHighSurrogate(raw.charAt(end - 1))) {
        end--;
      }
      return raw.substring(0, end);
    }
  }
}
