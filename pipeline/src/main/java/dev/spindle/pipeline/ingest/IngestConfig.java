package dev.spindle.pipeline.ingest;

import com.typesafe.config.Config;
import java.util.List;
import java.util.Locale;

/**
 * Ingest settings ({@code spindle.ingest}).
 *
 * @param maxDocumentBytes documents larger than this (UTF-8 bytes) are rejected, and only this much of a line is
 *     ever held in memory
 * @param invalidUtf8 {@code replace}: invalid bytes become U+FFFD and the document is kept (counted in the
 *     report); {@code reject}: the line is quarantined
 * @param outputPartitions number of Parquet files written for {@code docs}
 */
public record IngestConfig(int maxDocumentBytes, InvalidUtf8 invalidUtf8, int outputPartitions)
    implements java.io.Serializable {
  /** What to do with bytes that are not UTF-8. */
  public enum InvalidUtf8 {
    REPLACE,
    REJECT
  }

  public IngestConfig {
    if (maxDocumentBytes < 1) {
      throw new IllegalArgumentException("ingest.max-document-bytes must be positive, got " + maxDocumentBytes);
    }
    if (outputPartitions < 1) {
      throw new IllegalArgumentException("ingest.output-partitions must be positive, got " + outputPartitions);
    }
  }

  public static IngestConfig from(Config spindle) {
    Config c = spindle.getConfig("ingest");
    String mode = c.getString("invalid-utf8").toUpperCase(Locale.ROOT);
    if (!List.of("REPLACE", "REJECT").contains(mode)) {
      throw new IllegalArgumentException(
          "ingest.invalid-utf8 must be replace or reject, got '" + c.getString("invalid-utf8") + "'");
    }
    return new IngestConfig(
        (int) Math.min(Integer.MAX_VALUE - 16, c.getBytes("max-document-bytes")),
        InvalidUtf8.valueOf(mode),
        c.getInt("output-partitions"));
  }
}
