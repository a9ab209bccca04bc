package dev.spindle.pipeline.stage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * Rows in each Parquet folder of a stage's output (e.g. {@code docs}, {@code rejected}, {@code buckets}), from the
 * files' footers: no data is read, so the runner can record them for every stage at no cost.
 */
final class ParquetRowCounts {
  private ParquetRowCounts() {}

  /** Top-level folder name → rows in all {@code .parquet} files under it; folders without Parquet are left out. */
  static Map<String, Long> of(Path directory) {
    Map<String, Long> rows = new TreeMap<>();
    Configuration hadoop = new Configuration(false);
    try (Stream<Path> children = Files.list(directory)) {
      for (Path child : children.filter(Files::isDirectory).sorted().toList()) {
        long count = 0;
        boolean parquet = false;
        try (Stream<Path> files = Files.walk(child)) {
          for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".parquet")).toList()) {
            parquet = true;
            try (ParquetFileReader reader = ParquetFileReader.open(
                HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()), hadoop))) {
              count += reader.getRecordCount();
            }
          }
        }
        if (parquet) {
          rows.put(child.getFileName().toString(), count);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot count the rows written to " + directory + ": " + e.getMessage(), e);
    }
    return rows;
  }
}
