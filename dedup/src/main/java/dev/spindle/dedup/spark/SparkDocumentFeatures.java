package dev.spindle.dedup.spark;

import dev.spindle.dedup.ContentHash;
import dev.spindle.dedup.DedupConfig;
import dev.spindle.dedup.LshParameters;
import dev.spindle.dedup.MinHasher;
import dev.spindle.dedup.Scope;
import dev.spindle.dedup.Shingles;
import dev.spindle.dedup.SignatureBytes;
import dev.spindle.dedup.TextNormalizer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * One pass over the text: per document the exact-dedup hash, the MinHash signature and its LSH band keys, plus its
 * keep key ({@link SparkKeepKey}). Text is read once and never shuffled; everything after works on these ~1 KB
 * rows, whatever the documents' length. Shingle sets are not kept: exact verification recomputes them for the few
 * documents that are in a candidate pair ({@link SparkShingles}).
 *
 * <p>Every document gets a signature, exact duplicates included: a second pass for representatives only would
 * need to shuffle the text to them, which costs more than signing the duplicates.
 */
final class SparkDocumentFeatures {
  static final StructType SCHEMA =
      new StructType()
          .add("id", DataTypes.StringType, false)
          .add("source", DataTypes.StringType, false)
          .add("scope_key", DataTypes.StringType, false)
          .add("bytes", DataTypes.LongType, false)
          .add("content_hash", DataTypes.StringType, false)
          .add("signature", DataTypes.BinaryType, false)
          .add("band_keys", DataTypes.createArrayType(DataTypes.LongType, false), false)
          .add(SparkKeepKey.COLUMN, SparkKeepKey.TYPE, false);

  private SparkDocumentFeatures() {}

  /** {@code docs}: id, source, text, bytes, keep_key. */
  static Dataset<Row> compute(Dataset<Row> docs, DedupConfig config) {
    return docs.select("id", "source", "text", "bytes", SparkKeepKey.COLUMN)
        .mapPartitions(new Sign(config), Encoders.row(SCHEMA));
  }

  /** The scope a document is compared within: its source for LOCAL, everything for GLOBAL. */
  static String scopeKey(Scope scope, String source) {
    return scope == Scope.LOCAL ? source : "";
  }

  /** Band keys as the Scala sequence a Row encoder takes for an array column. */
  static Seq<Object> bandKeys(LshParameters lsh, long[] signature) {
    List<Object> keys = new ArrayList<>(lsh.bands());
    for (long key : lsh.bandKeys(signature)) {
      keys.add(key);
    }
    return CollectionConverters.asScala(keys).toSeq();
  }

  private static final class Sign implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final DedupConfig config;

    Sign(DedupConfig config) {
      this.config = config;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      MinHasher hasher = new MinHasher(config.permutations(), config.seed());
      LshParameters lsh = config.lsh();
      // Rows are signed as Spark pulls them: the partition is never held in memory.
      return CollectionConverters.asJava(CollectionConverters.asScala(rows).map(row -> sign(row, hasher, lsh)));
    }

    private Row sign(Row row, MinHasher hasher, LshParameters lsh) {
      String id = row.getString(0);
      String source = row.getString(1);
      String text = row.isNullAt(2) ? "" : row.getString(2);
      long bytes = row.isNullAt(3) ? 0L : row.getLong(3);
      String normalized = TextNormalizer.normalize(text);
      long[] signature = hasher.signature(Shingles.of(normalized, config.ngram()));
      return RowFactory.create(id, source, scopeKey(config.scope(), source), bytes, ContentHash.of(normalized),
          SignatureBytes.encode(signature), bandKeys(lsh, signature), row.get(4));
    }
  }
}
