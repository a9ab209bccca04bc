package dev.spindle.dedup.spark;

import static org.apache.spark.sql.functions.col;

import dev.spindle.dedup.Shingles;
import dev.spindle.dedup.SignatureBytes;
import dev.spindle.dedup.TextNormalizer;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Shingle sets for exact verification, computed only for the documents in a candidate pair: the text is read
 * again and filtered to those ids, so memory holds the shingles of the candidates (a few thousand documents on the
 * medium corpus), never those of the whole input. Output: {@code id, shingles} (sorted distinct hashes as bytes).
 */
final class SparkShingles {
  static final StructType SCHEMA = new StructType()
      .add("id", DataTypes.StringType, false)
      .add("shingles", DataTypes.BinaryType, false);

  private SparkShingles() {}

  /** {@code texts}: id, text of every document that may be a candidate; {@code ids}: the candidates. */
  static Dataset<Row> of(Dataset<Row> texts, Dataset<Row> ids, int ngram) {
    return texts.join(ids, texts.col("id").equalTo(ids.col("id")), "left_semi")
        .select(col("id"), col("text"))
        .map((MapFunction<Row, Row>) row -> RowFactory.create(row.getString(0), SignatureBytes.encode(
            Shingles.of(TextNormalizer.normalize(row.isNullAt(1) ? "" : row.getString(1)), ngram))),
            Encoders.row(SCHEMA));
  }
}
