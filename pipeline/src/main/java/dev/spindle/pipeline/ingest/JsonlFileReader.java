package dev.spindle.pipeline.ingest;

import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads one JSON Lines file (plain, gzip or zstd) into documents and rejections, one line at a time. Bad lines are
 * rejections; a stream that breaks (truncated, corrupt, garbage after the end) throws {@link CorruptFileException}
 * saying where, and {@link InputFileReader} decides whether that stops the run.
 */
final class JsonlFileReader implements FileRecords {
  private final JsonLineParser parser;
  private final CountingInputStream file;
  private final GzipStream gzip;
  private final InputStream in;
  private final BoundedLineReader lines;
  private final long size;
  private long lastLine;

  JsonlFileReader(String source, Path path, String label, IngestConfig config) throws IOException {
    this.parser = new JsonLineParser(source, label, config);
    this.size = Files.size(path);
    this.file = new CountingInputStream(Files.newInputStream(path));
    InputStream decoded;
    GzipStream gzipStream = null;
    switch (InputFormat.of(path).orElseThrow()) {
      case JSONL -> decoded = file;
      case JSONL_GZIP -> {
        gzipStream = new GzipStream(file);
        decoded = gzipStream;
      }
      case JSONL_ZSTD -> decoded = new BufferedInputStream(new ZstdInputStream(file), 1 << 16);
      default -> throw new IllegalStateException("Not a JSON Lines file: " + path);
    }
    this.gzip = gzipStream;
    this.in = decoded;
    this.lines = new BoundedLineReader(decoded, config.maxDocumentBytes());
  }

  @Override
  public IngestRecord next() throws IOException {
    for (BoundedLineReader.Line line = lines.next(); line != null; line = lines.next()) {
      lastLine = line.number();
      IngestRecord record = parser.parse(line);
      if (record != null) {
        return record;
      }
    }
    return null;
  }

  @Override
  public String position(long byteOffset) {
    boolean exact = byteOffset >= 0 || gzip != null || in == file;
    long offset = byteOffset >= 0 ? byteOffset : gzip != null ? gzip.offset() : in == file ? lines.offset()
        : file.count();
    String near = exact ? "byte " : "near byte ";
    return "line " + (lastLine + 1) + ", " + near + offset + " of " + size;
  }

  @Override
  public long replacedUtf8() {
    return parser.replacedDocuments();
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
