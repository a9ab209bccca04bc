package dev.spindle.dedup.spark;

import dev.spindle.dedup.ContentHash;
import dev.spindle.dedup.DedupConfig;
import dev.spindle.dedup.LshParameters;
import dev.spindle.dedup.MinHasher;
import dev.spindle.dedup.Scope;
import dev.spindle.dedup.Shingles;
import dev.spindle.dedup.SignatureBytes;
import dev.spindle.dedup.TextNormalizer;
import dev.spindle.dedup.Verification;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import scala.jdk.javaapi.CollectionConverters;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One pass over the text: per document the exact-dedup hash, the MinHash signature and its LSH band keys. Text is
 * read once and never shuffled; everything after works on these ~1 KB rows, whatever the documents' length.
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
          .add("shingles", DataTypes.BinaryType, true)
          .add("band_keys", DataTypes.createArrayType(DataTypes.LongType, false), false);

  private SparkDocumentFeatures() {}

  static Dataset<Row> compute(Dataset<Row> docs, DedupConfig config) {
    return docs.select("id", "source", "text", "bytes").mapPartitions(new Sign(config), Encoders.row(SCHEMA));
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
      boolean keepShingles = config.verification() == Verification.EXACT;
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return rows.hasNext();
        }

        @Override
        public Row next() {
          Row row = rows.next();
          String id = row.getString(0);
          String source = row.getString(1);
          String text = row.isNullAt(2) ? "" : row.getString(2);
          long bytes = row.isNullAt(3) ? 0L : row.getLong(3);
          String normalized = TextNormalizer.normalize(text);
          long[] shingles = Shingles.of(normalized, config.ngram());
          long[] signature = hasher.signature(shingles);
          long[] bandKeys = lsh.bandKeys(signature);
          List<Object> keys = new ArrayList<>(bandKeys.length);
          for (long key : bandKeys) {
            keys.add(key);
          }
          return RowFactory.create(
              id,
              source,
              config.scope() == Scope.LOCAL ? source : "",
              bytes,
              ContentHash.of(normalized),
              SignatureBytes.encode(signature),
              keepShingles ? SignatureBytes.encode(shingles) : null,
              // Row encoders take array columns as Scala sequences.
              CollectionConverters.asScala(keys).toSeq());
        }
      };
    }
  }
}
