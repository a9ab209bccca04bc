package dev.spindle.trainer.testing;

import dev.spindle.trainer.plan.Bucket;
import dev.spindle.trainer.plan.BucketFile;
import dev.spindle.trainer.plan.BucketSchema;
import dev.spindle.trainer.plan.Manifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.util.HadoopOutputFile;

/**
 * Writes a decompose-stage directory for tests and benchmarks: bucket Parquet files in {@link BucketSchema#PARQUET}
 * and a {@link Manifest} built and written through the manifest's own records. Row r of bucket L is the
 * deterministic sequence {@link #token}, so readers can be checked value by value and a bigram model can learn it;
 * each row counts as one document of its L + 1 tokens (so the manifest's totals balance).
 */
public final class Buckets {
  private Buckets() {}

  /** Token at {@code position} of row {@code row} in the bucket of {@code length}: a walk x -> 5x + 3 mod V. */
  public static int token(int vocab, int length, long row, int position) {
    long x = (row * 31 + length) % vocab;
    for (int i = 0; i < position; i++) {
      x = (5 * x + 3) % vocab;
    }
    return (int) x;
  }

  /**
   * @param sequences rows per bucket length
   * @param files files per bucket (rows split as evenly as possible)
   * @param rowsPerGroup rows per Parquet row group
   */
  public static Manifest write(Path dir, int vocab, Map<Integer, Long> sequences, int files, int rowsPerGroup) {
    return write(dir, vocab, sequences, files, rowsPerGroup, (length, row) -> {
      int[] tokens = new int[length + 1];
      for (int p = 0; p <= length; p++) {
        tokens[p] = token(vocab, length, row, p);
      }
      return tokens;
    });
  }

  /** The L+1 tokens of row {@code row} of the bucket of {@code length}. */
  public interface RowSource {
    int[] row(int length, long row);
  }

  public static Manifest write(Path dir, int vocab, Map<Integer, Long> sequences, int files, int rowsPerGroup,
      RowSource source) {
    Configuration conf = new Configuration();
    SimpleGroupFactory groups = new SimpleGroupFactory(BucketSchema.PARQUET);
    List<Bucket> buckets = new ArrayList<>();
    try {
      for (Map.Entry<Integer, Long> bucket : new TreeMap<>(sequences).entrySet()) {
        int length = bucket.getKey();
        long rows = bucket.getValue();
        String bucketPath = Manifest.bucketPath(length);
        Files.createDirectories(dir.resolve(bucketPath));
        List<BucketFile> written = new ArrayList<>();
        long row = 0;
        for (int f = 0; f < files; f++) {
          long fileRows = rows * (f + 1) / files - rows * f / files;
          String filePath = bucketPath + String.format("/part-%05d.parquet", f);
          org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(dir.resolve(filePath).toUri());
          try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(HadoopOutputFile.fromPath(out, conf))
              .withType(BucketSchema.PARQUET)
              .withRowGroupSize(1L)
              .withMinRowCountForPageSizeCheck(rowsPerGroup)
              .withMaxRowCountForPageSizeCheck(rowsPerGroup)
              .build()) {
            for (long i = 0; i < fileRows; i++, row++) {
              Group group = groups.newGroup();
              Group tokens = group.addGroup(BucketSchema.TOKENS);
              for (int value : source.row(length, row)) {
                tokens.addGroup("list").append("element", value);
              }
              group.append(BucketSchema.DOC_ID, "doc-" + row).append(BucketSchema.SOURCE, "test")
                  .append(BucketSchema.OFFSET, 0);
              writer.write(group);
            }
          }
          written.add(new BucketFile(filePath, fileRows));
        }
        buckets.add(new Bucket(length, rows, written));
      }
      manifest(vocab, buckets).write(dir);
      return Manifest.read(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A manifest of {@code buckets} for the bytes-like tokenizer of {@code vocab} ids (EOS the last), as if each
   * sequence were one document of its L + 1 tokens from source {@code test}.
   */
  public static Manifest manifest(int vocab, List<Bucket> buckets) {
    long sequences = buckets.stream().mapToLong(Bucket::sequences).sum();
    long tokens = buckets.stream().mapToLong(Bucket::tokens).sum();
    Manifest.Totals totals = new Manifest.Totals(sequences, tokens + sequences, tokens, 0, sequences, 0);
    int min = buckets.stream().mapToInt(Bucket::length).min().orElse(1);
    int max = buckets.stream().mapToInt(Bucket::length).max().orElse(1);
    return new Manifest("bytes", vocab, vocab - 1, "dd", min, max, 7, new Manifest.Rule("overlap", "largest"),
        buckets, totals, Map.of("test", totals));
  }
}
