package dev.spindle.pipeline.ingest;

import java.io.IOException;

/**
 * A file that breaks while it is read: a truncated or corrupt compressed stream, a damaged Parquet footer or page.
 * {@code offset} is the byte of the file where the break was found (-1 when unknown).
 */
final class CorruptFileException extends IOException {
  private static final long serialVersionUID = 1L;

  private final long offset;

  CorruptFileException(String reason, long offset) {
    super(reason);
    this.offset = offset;
  }

  CorruptFileException(String reason, long offset, Throwable cause) {
    super(reason, cause);
    this.offset = offset;
  }

  long offset() {
    return offset;
  }
}
