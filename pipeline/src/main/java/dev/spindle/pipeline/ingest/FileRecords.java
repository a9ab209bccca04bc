package dev.spindle.pipeline.ingest;

import java.io.IOException;

/** Pull-style reader of one input file's records, in file order; one implementation per format. */
interface FileRecords extends AutoCloseable {
  /** The next record, or null at the end of the file; a damaged file throws {@link CorruptFileException}. */
  IngestRecord next() throws IOException;

  /**
   * Where the reader stands, for messages: e.g. {@code line 12, byte 3456 of 7890}; {@code byteOffset}, when not
   * negative, is a more exact byte of the file found by the decoder.
   */
  String position(long byteOffset);

  /** Documents kept after their invalid UTF-8 bytes were replaced. */
  long replacedUtf8();

  @Override
  void close() throws IOException;
}
