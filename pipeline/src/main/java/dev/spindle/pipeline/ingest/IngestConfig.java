package dev.spindle.pipeline.ingest;

import com.typesafe.config.Config;
import dev.spindle.pipeline.SpindleException;
import java.util.Arrays;
import java.util.Locale;

/**
 * Ingest settings ({@code spindle.ingest}); the defaults live in {@code reference.conf} only.
 *
 * @param maxDocumentBytes documents larger than this (UTF-8 bytes) are rejected, and only this much of a line is
 *     ever held in memory
 * @param invalidUtf8 {@code replace}: invalid bytes become U+FFFD and the document is kept (counted in the
 *     report); {@code reject}: the line is quarantined
 * @param corruptFiles what a corrupt or unreadable input file does (truncated or corrupt gzip/zstd, a Parquet
 *     file with a bad footer or page, a file that cannot be opened): {@code fail} stops the run with one line
 *     naming the file and the position; {@code quarantine} keeps the records read before the break and records
 *     the break in {@code rejected/} (counted under "corrupt file")
 * @param outputPartitions number of Parquet files written for {@code docs}
 */
public record IngestConfig(int maxDocumentBytes, InvalidUtf8 invalidUtf8, CorruptFiles corruptFiles,
    int outputPartitions) implements java.io.Serializable {
  /** What to do with bytes that are not UTF-8. */
  public enum InvalidUtf8 {
    REPLACE,
    REJECT
  }

  /** What to do with a file that breaks while it is read. */
  public enum CorruptFiles {
    FAIL,
    QUARANTINE
  }

  public IngestConfig {
    java.util.Objects.requireNonNull(invalidUtf8, "invalidUtf8 is null");
    java.util.Objects.requireNonNull(corruptFiles, "corruptFiles is null");
    if (maxDocumentBytes < 1) {
      throw SpindleException.user("Cannot configure ingest: ingest.max-document-bytes must be positive (got %d)",
          maxDocumentBytes);
    }
    if (outputPartitions < 1) {
      throw SpindleException.user("Cannot configure ingest: ingest.output-partitions must be positive (got %d)",
          outputPartitions);
    }
  }

  public static IngestConfig from(Config spindle) {
    Config c = spindle.getConfig("ingest");
    return new IngestConfig(
        (int) Math.min(Integer.MAX_VALUE - 16, c.getBytes("max-document-bytes")),
        choice(c, "invalid-utf8", InvalidUtf8.class),
        choice(c, "corrupt-files", CorruptFiles.class),
        c.getInt("output-partitions"));
  }

  private static <E extends Enum<E>> E choice(Config c, String key, Class<E> type) {
    String value = c.getString(key);
    try {
      return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw SpindleException.user("Cannot configure ingest: ingest.%s must be one of %s (got '%s')", key,
          Arrays.stream(type.getEnumConstants()).map(v -> v.name().toLowerCase(Locale.ROOT)).toList(), value);
    }
  }
}
