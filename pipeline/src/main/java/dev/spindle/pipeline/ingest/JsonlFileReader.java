package dev.spindle.pipeline.ingest;

import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * Reads one JSON Lines file (plain, gzip or zstd) into documents and rejections. A file that breaks mid-way
 * (truncated gzip, corrupt zstd) yields the records read so far plus one rejection saying where it broke.
 */
public final class JsonlFileReader {
  private final IngestConfig config;

  public JsonlFileReader(IngestConfig config) {
    this.config = config;
  }

  /** Counts for the report that are not records themselves. */
  public record FileStats(long records, long replacedUtf8Documents) {}

  public FileStats read(String source, Path file, String fileLabel, Consumer<IngestRecord> sink) {
    JsonLineParser parser = new JsonLineParser(source, fileLabel, config);
    long lastLine = 0;
    long records = 0;
    try (InputStream in = open(file)) {
      BoundedLineReader reader = new BoundedLineReader(in, config.maxDocumentBytes());
      for (BoundedLineReader.Line line = reader.next(); line != null; line = reader.next()) {
        lastLine = line.number();
        IngestRecord record = parser.parse(line);
        if (record != null) {
          records++;
          sink.accept(record);
        }
      }
    } catch (IOException | RuntimeException e) {
      sink.accept(
          new IngestRecord.Rejected(
              source,
              fileLabel + ":" + (lastLine + 1),
              "unreadable file: " + e.getClass().getSimpleName() + ": " + e.getMessage()
                  + " (records before this line were kept)",
              ""));
      records++;
    }
    return new FileStats(records, parser.replacedDocuments());
  }

  /** Convenience for tests and small inputs. */
  public List<IngestRecord> readAll(String source, Path file) {
    List<IngestRecord> out = new ArrayList<>();
    read(source, file, file.getFileName().toString(), out::add);
    return out;
  }

  private static InputStream open(Path file) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    return switch (InputFormat.of(file).orElseThrow()) {
      case JSONL -> raw;
      case JSONL_GZIP -> new GZIPInputStream(raw, 1 << 16);
      case JSONL_ZSTD -> new BufferedInputStream(new ZstdInputStream(raw), 1 << 16);
      case PARQUET -> throw new IllegalArgumentException("Parquet is read by Spark, not line by line: " + file);
    };
  }
}
