package dev.spindle.pipeline.decompose.spark;

import dev.spindle.pipeline.decompose.Sequence;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The rows both modes produce before writing: {@code length} (the bucket directory), the bucket's columns
 * ({@link SparkBucketSchema}), {@code order_key} (the seeded shuffle key) and {@code tiebreak} (the epoch of a
 * repeated document in dd, the sequence number in concat-chunk), so that the sort is total and the order never
 * depends on Spark's scheduling. The last two are not written.
 */
final class SparkSequences {
  static final String LENGTH = "length";
  static final String ORDER_KEY = "order_key";
  static final String TIEBREAK = "tiebreak";

  static final StructType SCHEMA = schema();

  private SparkSequences() {}

  private static StructType schema() {
    StructType schema = new StructType().add(LENGTH, DataTypes.IntegerType, false);
    for (StructField column : SparkBucketSchema.COLUMNS.fields()) {
      schema = schema.add(column);
    }
    return schema.add(ORDER_KEY, DataTypes.LongType, false).add(TIEBREAK, DataTypes.LongType, false);
  }

  /** The row of {@link #SCHEMA}: the values in the bucket columns' order (tokens, doc_id, source, offset). */
  static Row row(Sequence sequence, long orderKey, long tiebreak) {
    return RowFactory.create(sequence.length(), sequence.tokens(), sequence.docId(), sequence.source(),
        sequence.offset(), orderKey, tiebreak);
  }
}
