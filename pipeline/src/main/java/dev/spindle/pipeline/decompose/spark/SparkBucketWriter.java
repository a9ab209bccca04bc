package dev.spindle.pipeline.decompose.spark;

import static org.apache.spark.sql.functions.col;

import dev.spindle.trainer.plan.Bucket;
import dev.spindle.trainer.plan.BucketFile;
import dev.spindle.trainer.plan.BucketSchema;
import dev.spindle.trainer.plan.Manifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Writes sequence rows as {@code buckets/length=L/part-*.parquet} in each bucket's seeded order, and lists what
 * was written. Range partitioning on (length, order key) gives task {@code i} a contiguous run of the global
 * order; Spark names a task's files {@code part-0000i-...}, so sorting a bucket's file names reproduces the order.
 * The rows are sorted inside each task before the write, so Spark's writer (which needs them grouped by
 * {@code length}) keeps that order instead of re-sorting.
 */
public final class SparkBucketWriter {
  private SparkBucketWriter() {}

  public static List<Bucket> write(SparkSession spark, Dataset<Row> sequences, Path stageDir,
      int partitions) {
    Path buckets = stageDir.resolve(Manifest.BUCKETS);
    String[] order = {SparkSequences.LENGTH, SparkSequences.ORDER_KEY, BucketSchema.DOC_ID, BucketSchema.OFFSET,
        SparkSequences.TIEBREAK};
    sequences
        .repartitionByRange(partitions, java.util.Arrays.stream(order).map(c -> col(c)).toArray(Column[]::new))
        .sortWithinPartitions(order[0], java.util.Arrays.copyOfRange(order, 1, order.length))
        .drop(SparkSequences.ORDER_KEY, SparkSequences.TIEBREAK)
        .write()
        .partitionBy(SparkSequences.LENGTH)
        .parquet(buckets.toString());
    return list(spark, stageDir);
  }

  /** The buckets under {@code stageDir/buckets}, ascending by length, files by name, with their row counts. */
  public static List<Bucket> list(SparkSession spark, Path stageDir) {
    Path buckets = stageDir.resolve(Manifest.BUCKETS);
    List<Path> lengthDirs = children(buckets, "length=", "");
    lengthDirs.sort((a, b) -> Integer.compare(lengthOf(a), lengthOf(b)));
    Map<String, Long> rows = new HashMap<>();
    if (!lengthDirs.isEmpty()) {
      for (Row row : spark.read().parquet(buckets.toString())
          .groupBy(col(SparkSequences.LENGTH), col("_metadata.file_name"))
          .count()
          .collectAsList()) {
        rows.put(row.getInt(0) + "/" + row.getString(1), row.getLong(2));
      }
    }
    List<Bucket> out = new ArrayList<>();
    for (Path dir : lengthDirs) {
      int length = lengthOf(dir);
      String relative = Manifest.bucketPath(length);
      List<BucketFile> files = new ArrayList<>();
      long sequences = 0;
      for (Path file : children(dir, "part-", ".parquet")) {
        long count = rows.getOrDefault(length + "/" + file.getFileName(), 0L);
        files.add(new BucketFile(relative + "/" + file.getFileName(), count));
        sequences += count;
      }
      out.add(new Bucket(length, sequences, sequences * length, relative, files));
    }
    return out;
  }

  private static int lengthOf(Path dir) {
    return Integer.parseInt(dir.getFileName().toString().substring("length=".length()));
  }

  private static List<Path> children(Path dir, String prefix, String suffix) {
    if (!Files.isDirectory(dir)) {
      return new ArrayList<>();
    }
    try (Stream<Path> list = Files.list(dir)) {
      return new ArrayList<>(list
          .filter(p -> p.getFileName().toString().startsWith(prefix) && p.getFileName().toString().endsWith(suffix))
          .sorted()
          .toList());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + dir + ": " + e.getMessage(), e);
    }
  }
}
