package dev.spindle.trainer.plan;

import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * The columns of a bucket file ({@code buckets/length=L/part-*.parquet}), defined once: the decompose stage writes
 * them through Spark (its Spark schema is derived from {@link #PARQUET}), training reads {@link #TOKENS} of them,
 * and test fixtures write {@link #PARQUET} directly. Every column is required: a sequence always has all four.
 *
 * <pre>
 * tokens  array&lt;int&gt;  exactly L + 1 token ids (L targets)
 * doc_id  string      the document the tokens come from
 * source  string      its source
 * offset  int         where the tokens start in the document
 * </pre>
 */
public final class BucketSchema {
  public static final String TOKENS = "tokens";
  public static final String DOC_ID = "doc_id";
  public static final String SOURCE = "source";
  public static final String OFFSET = "offset";

  /** The file schema, as Spark writes it (three-level list, {@code spark_schema}). */
  public static final MessageType PARQUET = Types.buildMessage()
      .requiredList().requiredElement(PrimitiveTypeName.INT32).named(TOKENS)
      .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(DOC_ID)
      .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(SOURCE)
      .required(PrimitiveTypeName.INT32).named(OFFSET)
      .named("spark_schema");

  private BucketSchema() {}
}
