package dev.spindle.pipeline.decompose.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.udf;

import dev.spindle.pipeline.decompose.ConcatChunkStream;
import dev.spindle.pipeline.decompose.ConcatChunkBuilder;
import dev.spindle.pipeline.decompose.Sequence;
import dev.spindle.pipeline.decompose.SequenceOrder;
import dev.spindle.pipeline.decompose.TokenAccounting;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * {@code concat-chunk} mode on Spark. Documents are range-partitioned in stream order ({@code position} when the
 * input has it, else a seeded hash of the id); one pass collects every partition's token total (its start in the
 * stream) and first {@code length + 1} tokens. Each partition then builds the sequences that start in it, the
 * last one completed from the following partitions' first tokens, so no tokens are shuffled. The stream is
 * global, so the result does not depend on partitioning.
 */
public final class SparkConcatChunk {
  private SparkConcatChunk() {}

  /** The sequences and their accounting; call {@link #release()} when the sequences are written. */
  public record Result(Dataset<Row> sequences, TokenAccounting accounting, Dataset<Row> ordered) {
    public void release() {
      ordered.unpersist();
    }
  }

  public static Result run(
      SparkSession spark, Dataset<Row> docs, int length, long seed, int partitions, int vocabularySize) {
    Column streamKey;
    if (List.of(docs.schema().fieldNames()).contains(SparkDocumentTokens.POSITION)) {
      streamKey = col(SparkDocumentTokens.POSITION);
    } else {
      UDF2<String, Integer, Long> hash = (id, epoch) -> SequenceOrder.key(seed, id, 0, epoch);
      streamKey = udf(hash, DataTypes.LongType).apply(col("id"), col(SparkDocumentTokens.EPOCH));
    }
    // Cached columnar, so the passes below read only the columns they need, and all of them see the same
    // partitions (a partition's index is its place in the stream).
    Dataset<Row> ordered =
        docs.withColumn("stream_key", streamKey)
            .repartitionByRange(partitions, col("stream_key"), col("id"), col(SparkDocumentTokens.EPOCH))
            .sortWithinPartitions("stream_key", "id", SparkDocumentTokens.EPOCH)
            .select("id", "source", "tokens", "n_tokens", SparkDocumentTokens.OFFSET)
            .persist(StorageLevel.MEMORY_AND_DISK());

    // One pass for every partition's token total and first length + 1 tokens (its "head").
    int heads = length + 1;
    List<Tuple2<Integer, Tuple2<Long, int[]>>> summaries = ordered
        .select(col("id"), col("n_tokens"), slice(col("tokens"), 1, heads))
        .javaRDD()
        .mapPartitionsWithIndex((index, rows) -> {
          long sum = 0;
          int[] head = new int[heads];
          int filled = 0;
          while (rows.hasNext()) {
            Row row = rows.next();
            sum += row.getInt(1);
            if (filled < heads) {
              int[] tokens = SparkDocumentTokens.tokens(row, 2, vocabularySize, row.getString(0));
              int take = Math.min(tokens.length, heads - filled);
              System.arraycopy(tokens, 0, head, filled, take);
              filled += take;
            }
          }
          return List.of(new Tuple2<>(index, new Tuple2<>(sum, Arrays.copyOf(head, filled)))).iterator();
        }, true)
        .collect();
    int partitionCount = ordered.javaRDD().getNumPartitions();
    long[] starts = new long[partitionCount];
    List<int[]> partitionHeads = new ArrayList<>(java.util.Collections.nCopies(partitionCount, new int[0]));
    long[] sums = new long[partitionCount];
    for (Tuple2<Integer, Tuple2<Long, int[]>> summary : summaries) {
      sums[summary._1()] = summary._2()._1();
      partitionHeads.set(summary._1(), summary._2()._2());
    }
    long total = 0;
    for (int p = 0; p < partitionCount; p++) {
      starts[p] = total;
      total += sums[p];
    }
    ConcatChunkStream stream = new ConcatChunkStream(total, length);

    TokenAccounting accounting = ordered
        .select("source", "n_tokens")
        .javaRDD()
        .mapPartitionsWithIndex((index, rows) -> {
          TokenAccounting partial = new TokenAccounting();
          long start = starts[index];
          while (rows.hasNext()) {
            Row row = rows.next();
            int n = row.getInt(1);
            long targets = stream.documentTargets(start, n);
            long kept = stream.keptTargets(start, n);
            partial.addDocument(row.getString(0), n, kept, targets - kept, n - targets);
            start += n;
          }
          return List.of(partial).iterator();
        }, true)
        .fold(new TokenAccounting(), TokenAccounting::merge);
    accounting.addSequences(length, stream.sequences());

    JavaRDD<Row> sequences = ordered.select("id", "source", "tokens", SparkDocumentTokens.OFFSET).javaRDD().mapPartitionsWithIndex((index, rows) -> new SequenceRows(
        rows, new ConcatChunkBuilder(stream, starts[index]), partitionHeads.subList(index + 1, partitionCount),
        vocabularySize, seed, (starts[index] + length - 1) / length), true);
    return new Result(spark.createDataFrame(sequences, SparkSequences.SCHEMA), accounting, ordered);
  }

  /** Sequence rows of one partition, built lazily so a partition's sequences never sit in memory at once. */
  private static final class SequenceRows implements java.util.Iterator<Row> {
    private final java.util.Iterator<Row> documents;
    private final ConcatChunkBuilder builder;
    private final List<int[]> followingHeads;
    private final int vocabularySize;
    private final long seed;
    private final java.util.ArrayDeque<Sequence> ready = new java.util.ArrayDeque<>();
    private boolean finished;
    /** Stream-wide number of the next sequence: the first one starting at or after the partition's start. */
    private long nextSequence;

    SequenceRows(java.util.Iterator<Row> documents, ConcatChunkBuilder builder, List<int[]> followingHeads,
        int vocabularySize, long seed, long firstSequence) {
      this.nextSequence = firstSequence;
      this.documents = documents;
      this.builder = builder;
      this.followingHeads = followingHeads;
      this.vocabularySize = vocabularySize;
      this.seed = seed;
    }

    @Override
    public boolean hasNext() {
      while (ready.isEmpty() && !finished) {
        if (documents.hasNext()) {
          Row row = documents.next();
          String id = row.getString(0);
          ready.addAll(builder.add(id, row.getString(1), row.getInt(3),
              SparkDocumentTokens.tokens(row, 2, vocabularySize, id)));
        } else {
          ready.addAll(builder.finish(followingHeads));
          finished = true;
        }
      }
      return !ready.isEmpty();
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      Sequence sequence = ready.poll();
      return SparkSequences.row(sequence, SequenceOrder.key(seed, sequence.docId(), sequence.offset()),
          nextSequence++);
    }
  }
}
