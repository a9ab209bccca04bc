package dev.spindle.pipeline.decompose.spark;

import dev.spindle.pipeline.decompose.DatasetDecomposition;
import dev.spindle.pipeline.decompose.Piece;
import dev.spindle.pipeline.decompose.Sequence;
import dev.spindle.pipeline.decompose.SequenceOrder;
import dev.spindle.pipeline.decompose.TokenAccounting;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

/**
 * {@code dd} mode on Spark: every row is cut on its own, so this is a plain flatMap without a shuffle. The
 * accounting depends only on token counts (and the row's identity, which seeds {@code paper-random}), so it never
 * reads the tokens. A document the mix repeats (one row per epoch) yields its pieces once per epoch, each epoch at
 * its own place in the bucket order. A row that is a piece of a document the mix cut (its {@code offset} > 0) is
 * cut like a document of its own, and its sequences carry their offsets in the whole document.
 */
public final class SparkDatasetDecomposition {
  private SparkDatasetDecomposition() {}

  /** Sequence rows (see {@link SparkSequences#SCHEMA}) of every document of {@code docs}. */
  public static Dataset<Row> sequences(
      Dataset<Row> docs, DatasetDecomposition decomposition, long seed, int vocabularySize) {
    return docs.select("id", "source", "tokens", SparkDocumentTokens.EPOCH, SparkDocumentTokens.OFFSET)
        .flatMap(new Cut(decomposition, seed, vocabularySize), Encoders.row(SparkSequences.SCHEMA));
  }

  public static TokenAccounting accounting(Dataset<Row> docs, DatasetDecomposition decomposition, long seed) {
    return docs.select("source", "n_tokens", "id", SparkDocumentTokens.EPOCH, SparkDocumentTokens.OFFSET)
        .javaRDD()
        .mapPartitions(rows -> {
          TokenAccounting accounting = new TokenAccounting();
          while (rows.hasNext()) {
            Row row = rows.next();
            int tokens = row.getInt(1);
            var result = decomposition.decompose(tokens,
                DatasetDecomposition.uniforms(seed, row.getString(2), row.getInt(4), row.getInt(3)));
            accounting.addDocument(row.getString(0), tokens, result.keptTargets(), result.droppedTokens(),
                result.contextOnlyTokens());
            for (Piece piece : result.pieces()) {
              accounting.addSequences(piece.length(), 1);
            }
          }
          return List.of(accounting).iterator();
        })
        .fold(new TokenAccounting(), TokenAccounting::merge);
  }

  private record Cut(DatasetDecomposition decomposition, long seed, int vocabularySize)
      implements FlatMapFunction<Row, Row> {
    @Override
    public java.util.Iterator<Row> call(Row row) {
      String id = row.getString(0);
      int[] tokens = SparkDocumentTokens.tokens(row, 2, vocabularySize, id);
      int epoch = row.getInt(3);
      int base = row.getInt(4);
      List<Row> out = new ArrayList<>();
      var pieces = decomposition.decompose(tokens.length, DatasetDecomposition.uniforms(seed, id, base, epoch)).pieces();
      for (Piece piece : pieces) {
        int[] slice = Arrays.copyOfRange(tokens, piece.offset(), piece.offset() + piece.length() + 1);
        int offset = base + piece.offset();
        out.add(SparkSequences.row(new Sequence(slice, id, row.getString(1), offset),
            SequenceOrder.key(seed, id, offset, epoch), epoch));
      }
      return out.iterator();
    }
  }
}
