package dev.spindle.pipeline.decompose.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import dev.spindle.pipeline.decompose.ConcatChunkStream;
import dev.spindle.pipeline.decompose.Fragment;
import dev.spindle.pipeline.decompose.SequenceAssembler;
import dev.spindle.pipeline.decompose.SequenceOrder;
import dev.spindle.pipeline.decompose.TokenAccounting;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * {@code concat-chunk} mode on Spark. Documents are range-partitioned in stream order ({@code position} when the
 * input has it, else a seeded hash of the id), each partition's token total gives it its start in the stream, and
 * every document then knows which sequences it overlaps without seeing the others. Fragments are grouped by
 * sequence number (one shuffle) and joined. The stream is global, so the result does not depend on partitioning.
 */
public final class SparkConcatChunk {
  private SparkConcatChunk() {}

  /** The sequences and their accounting; call {@link #release()} when the sequences are written. */
  public record Result(Dataset<Row> sequences, TokenAccounting accounting, JavaRDD<Row> ordered) {
    public void release() {
      ordered.unpersist(false);
    }
  }

  public static Result run(
      SparkSession spark, Dataset<Row> docs, int length, long seed, int partitions, int vocabularySize) {
    Column streamKey;
    if (List.of(docs.schema().fieldNames()).contains(SparkDocumentTokens.POSITION)) {
      streamKey = col(SparkDocumentTokens.POSITION);
    } else {
      UDF1<String, Long> hash = id -> SequenceOrder.key(seed, id, 0);
      streamKey = udf(hash, DataTypes.LongType).apply(col("id"));
    }
    JavaRDD<Row> ordered =
        docs.withColumn("stream_key", streamKey)
            .repartitionByRange(partitions, col("stream_key"), col("id"))
            .sortWithinPartitions("stream_key", "id")
            .select("id", "source", "tokens", "n_tokens")
            .javaRDD()
            .persist(StorageLevel.MEMORY_AND_DISK());

    List<Tuple2<Integer, Long>> sums = ordered
        .mapPartitionsWithIndex((index, rows) -> {
          long sum = 0;
          while (rows.hasNext()) {
            sum += rows.next().getInt(3);
          }
          return List.of(new Tuple2<>(index, sum)).iterator();
        }, true)
        .collect();
    long[] starts = new long[ordered.getNumPartitions()];
    long total = 0;
    for (Tuple2<Integer, Long> sum : sums.stream().sorted((a, b) -> a._1() - b._1()).toList()) {
      starts[sum._1()] = total;
      total += sum._2();
    }
    ConcatChunkStream stream = new ConcatChunkStream(total, length);

    TokenAccounting accounting = ordered
        .mapPartitionsWithIndex((index, rows) -> {
          TokenAccounting partial = new TokenAccounting();
          long start = starts[index];
          while (rows.hasNext()) {
            Row row = rows.next();
            int n = row.getInt(3);
            long targets = stream.documentTargets(start, n);
            long kept = stream.keptTargets(start, n);
            partial.addDocument(row.getString(1), n, kept, targets - kept, n - targets);
            start += n;
          }
          return List.of(partial).iterator();
        }, true)
        .fold(new TokenAccounting(), TokenAccounting::merge);
    accounting.addSequences(length, stream.sequences());

    JavaRDD<Row> sequences = ordered
        .mapPartitionsWithIndex((index, rows) -> fragments(rows, starts[index], stream, vocabularySize), true)
        .mapToPair(pair -> pair)
        .groupByKey(partitions)
        .map(group -> SparkSequences.row(SequenceAssembler.assemble(group._1(), length, group._2()), seed));
    return new Result(spark.createDataFrame(sequences, SparkSequences.SCHEMA), accounting, ordered);
  }

  private static Iterator<Tuple2<Long, SequenceAssembler.Placed>> fragments(
      Iterator<Row> rows, long partitionStart, ConcatChunkStream stream, int vocabularySize) {
    List<Tuple2<Long, SequenceAssembler.Placed>> out = new ArrayList<>();
    long start = partitionStart;
    while (rows.hasNext()) {
      Row row = rows.next();
      String id = row.getString(0);
      int[] tokens = SparkDocumentTokens.tokens(row, 2, vocabularySize, id);
      for (Fragment f : stream.fragments(start, tokens.length)) {
        int[] slice = Arrays.copyOfRange(tokens, f.documentOffset(), f.documentOffset() + f.length());
        out.add(new Tuple2<>(f.sequence(),
            new SequenceAssembler.Placed(f.position(), slice, id, row.getString(1), f.documentOffset())));
      }
      start += tokens.length;
    }
    return out.iterator();
  }
}
