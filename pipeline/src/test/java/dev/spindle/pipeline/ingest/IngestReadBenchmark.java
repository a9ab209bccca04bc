package dev.spindle.pipeline.ingest;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * What the corruption checks cost when reading the medium corpus (7 .jsonl.gz files), single-threaded, best of three
 * passes: Spindle's own gzip reader (which fails on truncation, corruption and trailing garbage, with the byte)
 * against the JDK's {@code GZIPInputStream} (which stops silently at trailing garbage), both counting lines; and
 * the whole per-file reader of an ingest task (decompress, split lines, parse JSON, check each record) for scale.
 * Usage: {@code bench/reliability.sh speed}.
 */
public final class IngestReadBenchmark {
  private IngestReadBenchmark() {}

  public static void main(String[] args) throws IOException {
    Path corpus = Path.of(System.getProperty("spindle.shared", "../shared"), "corpus", "medium");
    if (!Files.isDirectory(corpus)) {
      System.out.println("SKIP: corpus " + corpus + " not found (set -Dspindle.shared or SPINDLE_SHARED)");
      return;
    }
    List<Path> files;
    try (Stream<Path> list = Files.list(corpus)) {
      files = list.filter(p -> p.toString().endsWith(".jsonl.gz")).sorted().toList();
    }
    long compressed = 0;
    for (Path file : files) {
      compressed += Files.size(file);
    }
    IngestConfig config = new IngestConfig(16 << 20, IngestConfig.InvalidUtf8.REPLACE, IngestConfig.CorruptFiles.FAIL,
        8, List.of());
    double jdk = Double.MAX_VALUE;
    double ours = Double.MAX_VALUE;
    double reader = Double.MAX_VALUE;
    long bytes = 0;
    long lines = 0;
    long records = 0;
    for (int pass = 0; pass < 3; pass++) {
      long start = System.nanoTime();
      long[] jdkCounts = {0, 0};
      for (Path file : files) {
        count(new GZIPInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16), 1 << 16), jdkCounts);
      }
      jdk = Math.min(jdk, (System.nanoTime() - start) / 1e9);
      start = System.nanoTime();
      long[] ourCounts = {0, 0};
      for (Path file : files) {
        count(new GzipStream(Files.newInputStream(file)), ourCounts);
      }
      ours = Math.min(ours, (System.nanoTime() - start) / 1e9);
      if (ourCounts[0] != jdkCounts[0] || ourCounts[1] != jdkCounts[1]) {
        throw new IllegalStateException("the readers disagree: " + ourCounts[0] + " vs " + jdkCounts[0] + " bytes");
      }
      bytes = ourCounts[0];
      lines = ourCounts[1];
      start = System.nanoTime();
      records = 0;
      for (Path file : files) {
        try (InputFileReader read = new InputFileReader(
            new InputFile("medium", file.toString(), file.getFileName().toString(), 0), config)) {
          while (read.hasNext()) {
            read.next();
            records++;
          }
        }
      }
      reader = Math.min(reader, (System.nanoTime() - start) / 1e9);
    }
    double mb = bytes / 1e6;
    System.out.printf(Locale.ROOT, "medium corpus: %d files, %.1f MB gzip -> %.1f MB, %d lines, %d records%n",
        files.size(), compressed / 1e6, mb, lines, records);
    System.out.printf(Locale.ROOT, "JDK GZIPInputStream + line count : %6.2f s  %6.1f MB/s%n", jdk, mb / jdk);
    System.out.printf(Locale.ROOT, "GzipStream (checked) + line count: %6.2f s  %6.1f MB/s  = %.2fx the JDK's time%n",
        ours, mb / ours, ours / jdk);
    System.out.printf(Locale.ROOT, "InputFileReader (ingest task)    : %6.2f s  %6.1f MB/s  %.0f records/s%n", reader,
        mb / reader, records / reader);
  }

  private static void count(InputStream in, long[] counts) throws IOException {
    byte[] buffer = new byte[1 << 16];
    try (in) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        counts[0] += n;
        for (int i = 0; i < n; i++) {
          if (buffer[i] == '\n') {
            counts[1]++;
          }
        }
      }
    }
  }
}
