package dev.spindle.trainer.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.spindle.trainer.plan.Manifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * Writes a decompose-stage directory for tests and benchmarks: bucket Parquet files in the schema Spark writes
 * for {@code tokens array<int>, doc_id string, source string, offset int}, and {@code manifest.json}. Row r of
 * bucket L is the deterministic sequence {@link #token}, so readers can be checked value by value and a
 * bigram model can learn it.
 */
public final class Buckets {
  public static final MessageType SCHEMA = MessageTypeParser.parseMessageType(
      "message spark_schema {\n"
          + "  optional group tokens (LIST) { repeated group list { optional int32 element; } }\n"
          + "  optional binary doc_id (STRING);\n"
          + "  optional binary source (STRING);\n"
          + "  optional int32 offset;\n"
          + "}");

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
    SimpleGroupFactory groups = new SimpleGroupFactory(SCHEMA);
    List<Object> bucketJson = new ArrayList<>();
    try {
      for (Map.Entry<Integer, Long> bucket : sequences.entrySet()) {
        int length = bucket.getKey();
        long rows = bucket.getValue();
        String bucketPath = "buckets/length=" + length;
        Files.createDirectories(dir.resolve(bucketPath));
        List<Object> fileJson = new ArrayList<>();
        long row = 0;
        for (int f = 0; f < files; f++) {
          long fileRows = rows * (f + 1) / files - rows * f / files;
          String filePath = bucketPath + String.format("/part-%05d.parquet", f);
          org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(dir.resolve(filePath).toUri());
          try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(HadoopOutputFile.fromPath(out, conf))
              .withType(SCHEMA)
              .withRowGroupSize(1L)
              .withMinRowCountForPageSizeCheck(rowsPerGroup)
              .withMaxRowCountForPageSizeCheck(rowsPerGroup)
              .build()) {
            for (long i = 0; i < fileRows; i++, row++) {
              Group group = groups.newGroup();
              Group tokens = group.addGroup("tokens");
              for (int value : source.row(length, row)) {
                tokens.addGroup("list").append("element", value);
              }
              group.append("doc_id", "doc-" + row).append("source", "test").append("offset", 0);
              writer.write(group);
            }
          }
          Map<String, Object> file = new LinkedHashMap<>();
          file.put("path", filePath);
          file.put("rows", fileRows);
          fileJson.add(file);
        }
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("length", length);
        entry.put("sequences", rows);
        entry.put("tokens", rows * length);
        entry.put("path", bucketPath);
        entry.put("files", fileJson);
        bucketJson.add(entry);
      }
      Map<String, Object> manifest = new LinkedHashMap<>();
      manifest.put("tokenizer", "bytes");
      manifest.put("vocab_size", vocab);
      manifest.put("eos_token", vocab - 1);
      manifest.put("mode", "dd");
      manifest.put("min_length", sequences.keySet().stream().mapToInt(Integer::intValue).min().orElse(0));
      manifest.put("max_length", sequences.keySet().stream().mapToInt(Integer::intValue).max().orElse(0));
      manifest.put("seed", 7);
      manifest.put("buckets", bucketJson);
      manifest.put("totals", Map.of());
      manifest.put("sources", Map.of());
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
          .writeValue(dir.resolve(Manifest.FILE_NAME).toFile(), manifest);
      return Manifest.read(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
