package dev.spindle.pipeline.ingest;

import dev.spindle.pipeline.SpindleException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The records of one input file, read lazily in file order (JSON Lines plain/gzip/zstd, or Parquet), with the
 * policy for a file that breaks: with {@code corrupt-files = fail} (the default) a user error naming the file, the
 * position and the way out; with {@code quarantine} one more record, a rejection saying where the file broke, after
 * the records read before it. A file that cannot be opened at all (missing, unreadable, not a regular file) is
 * handled the same way. {@link #stats()} counts every record returned, so the report can reconcile them with the
 * rows written. Pure logic: a Spark task runs one of these per file.
 */
public final class InputFileReader implements Iterator<IngestRecord>, AutoCloseable {
  /** Counts for the report that are not records themselves. */
  public record FileStats(long records, long replacedUtf8Documents) {}

  private final InputFile file;
  private final IngestConfig config;
  private FileRecords reader;
  private IngestRecord next;
  private boolean done;
  private long records;
  private long replacedUtf8;

  public InputFileReader(InputFile file, IngestConfig config) {
    this.file = file;
    this.config = config;
  }

  @Override
  public boolean hasNext() {
    if (next == null && !done) {
      next = advance();
    }
    return next != null;
  }

  @Override
  public IngestRecord next() {
    if (!hasNext()) {
      throw new NoSuchElementException("no more records in " + file.path());
    }
    IngestRecord record = next;
    next = null;
    records++;
    return record;
  }

  /** Final once {@link #hasNext()} returned false. */
  public FileStats stats() {
    return new FileStats(records, replacedUtf8);
  }

  private IngestRecord advance() {
    try {
      if (reader == null) {
        reader = open(Path.of(file.path()));
      }
      IngestRecord record = reader.next();
      if (record == null) {
        finish();
      }
      return record;
    } catch (SpindleException e) {
      finish();
      throw e;
    } catch (CorruptFileException e) {
      return broken("corrupt file", e.getMessage(), e);
    } catch (IOException e) {
      if (reader == null) {
        return broken("unreadable file", describeOpenFailure(e), e);
      }
      String type = e.getClass().getName().startsWith("com.github.luben.zstd") ? "corrupt or truncated zstd stream"
          : "read error";
      return broken("corrupt file", type + " (" + ParquetDocumentReader.firstLine(e) + ")", e);
    } catch (RuntimeException e) {
      if (!thrownByDecoder(e)) {
        finish();
        throw e;
      }
      return broken("corrupt file", "corrupt data (" + ParquetDocumentReader.firstLine(e) + ")", e);
    }
  }

  /** Ends the file after a break: a user error, or (quarantine) a rejection recording it. */
  private IngestRecord broken(String category, String reason, Exception cause) {
    long offset = cause instanceof CorruptFileException corrupt ? corrupt.offset() : -1;
    String where = reader == null ? "line 1" : reader.position(offset);
    String detail = oneLine(reason) + (reader == null ? "" : " at " + where);
    finish();
    if (config.corruptFiles() == IngestConfig.CorruptFiles.FAIL) {
      throw SpindleException.user(cause, "Cannot ingest %s (source '%s'): %s: %s; %d records were read before it. "
          + "Fix or remove the file, or set spindle.ingest.corrupt-files = quarantine to keep them and record the "
          + "break in rejected/", file.path(), file.source(), category, detail, records);
    }
    String line = where.startsWith("line ") || where.startsWith("row ")
        ? where.substring(where.indexOf(' ') + 1).split("[ ,]", 2)[0] : "1";
    return new IngestRecord.Rejected(file.source(), file.label() + ":" + line,
        category + ": " + detail + " (the " + records + " records before it were kept)", "");
  }

  private void finish() {
    done = true;
    if (reader != null) {
      try {
        reader.close();
      } catch (IOException | RuntimeException e) {
        // The records are read; a failing close changes nothing in them.
      }
      replacedUtf8 = reader.replacedUtf8();
    }
  }

  @Override
  public void close() {
    if (!done) {
      finish();
    }
  }

  private FileRecords open(Path path) throws IOException {
    if (!Files.isRegularFile(path)) {
      throw Files.exists(path) ? new IOException("not a regular file") : new NoSuchFileException(path.toString());
    }
    InputFormat format = InputFormat.of(path).orElseThrow(
        () -> SpindleException.user("Cannot ingest %s: unknown format or compression (expected %s)", path,
            InputFormat.expected()));
    return format == InputFormat.PARQUET
        ? new ParquetDocumentReader(file.source(), path, file.label(), config)
        : new JsonlFileReader(file.source(), path, file.label(), config);
  }

  private static String describeOpenFailure(Exception e) {
    if (e instanceof NoSuchFileException) {
      return "the file is missing or a broken link";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    return "cannot open it (" + ParquetDocumentReader.firstLine(e) + ")";
  }

  /**
   * Whether a runtime exception comes from a decoder (Parquet, its codecs, zstd) meeting damaged bytes, rather than
   * from a bug of ours, which must not pass for a corrupt file.
   */
  private static boolean thrownByDecoder(RuntimeException e) {
    StackTraceElement[] frames = e.getStackTrace();
    if (frames.length == 0) {
      return false;
    }
    String origin = frames[0].getClassName();
    return java.util.stream.Stream.of("org.apache.parquet.", "shaded.parquet.", "com.github.luben.zstd.",
        "org.xerial.snappy.", "io.airlift.compress.", "org.apache.hadoop.io.compress.", "java.util.zip.")
        .anyMatch(origin::startsWith) || e.getClass().getName().startsWith("org.apache.parquet.");
  }

  private static String oneLine(String text) {
    return text == null ? "" : text.replaceAll("\\s+", " ").strip();
  }
}
