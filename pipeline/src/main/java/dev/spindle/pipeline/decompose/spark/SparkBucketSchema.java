package dev.spindle.pipeline.decompose.spark;

import dev.spindle.trainer.plan.BucketSchema;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The bucket files' columns as a Spark schema, derived from their one definition, {@link BucketSchema#PARQUET}, so
 * what Spark writes is what training reads. The conversion knows the three kinds of column that schema uses (int,
 * string, list of int); anything else is a programming error.
 */
public final class SparkBucketSchema {
  /** {@code tokens array<int>, doc_id string, source string, offset int}, none nullable. */
  public static final StructType COLUMNS = of(BucketSchema.PARQUET);

  private SparkBucketSchema() {}

  static StructType of(GroupType group) {
    StructType struct = new StructType();
    for (Type field : group.getFields()) {
      struct = struct.add(field.getName(), type(field), field.getRepetition() == Type.Repetition.OPTIONAL);
    }
    return struct;
  }

  private static DataType type(Type field) {
    if (field.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation) {
      Type element = field.asGroupType().getType(0).asGroupType().getType(0);
      return DataTypes.createArrayType(type(element), element.getRepetition() == Type.Repetition.OPTIONAL);
    }
    if (field.isPrimitive()) {
      PrimitiveType primitive = field.asPrimitiveType();
      switch (primitive.getPrimitiveTypeName()) {
        case INT32:
          return DataTypes.IntegerType;
        case INT64:
          return DataTypes.LongType;
        case BINARY:
          if (primitive.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation) {
            return DataTypes.StringType;
          }
          break;
        default:
          break;
      }
    }
    throw new IllegalStateException("Cannot map bucket column " + field + " to a Spark type");
  }
}
