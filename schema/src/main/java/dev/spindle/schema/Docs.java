package dev.spindle.schema;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The document tables one stage writes and the next reads, defined once. Every stage that writes one of them writes
 * these columns with these types; a reader checks for the columns it needs with {@link #missing}. Extra columns may
 * follow: ingest adds a nullable double column per field of {@code ingest.numeric-fields} (e.g. a quality score for
 * {@code dedup.keep = score:quality}), and dedup keeps every column of its input in {@code kept}. The tokenize stage
 * reads only id, source and text, so {@code tokenize/docs} has exactly the {@code TOKENIZED} columns; mix keeps the
 * columns of its input it does not replace.
 *
 * <pre>
 * WITH_TEXT    ingest/docs, dedup/kept   id string, source string, text string, bytes long (UTF-8 bytes of text)
 * TOKENIZED    tokenize/docs             id, source, tokens array&lt;int&gt; (ending with EOS), n_tokens int
 * MIXED        mix/docs                  TOKENIZED + MIX_COLUMNS: epoch int, phase string, position long, offset int
 * </pre>
 *
 * <p>In {@code mix/docs} a row holds the document's tokens from {@code offset} on, {@code n_tokens} of them (the
 * mix may cut a document at a boundary), {@code epoch} is the pass over its source and {@code position} the row's
 * place in the global order. The tokenizer of a token table is not a column: it is recorded beside the files
 * ({@code _tokenizer.json}, see the pipeline's {@code TokenizerRecord}).
 */
public final class Docs {
  public static final String ID = "id";
  public static final String SOURCE = "source";
  public static final String TEXT = "text";
  public static final String BYTES = "bytes";
  public static final String TOKENS = "tokens";
  public static final String TOKEN_COUNT = "n_tokens";
  public static final String EPOCH = "epoch";
  public static final String PHASE = "phase";
  public static final String POSITION = "position";
  public static final String OFFSET = "offset";

  /** {@code ingest/docs} and {@code dedup/kept}. */
  public static final StructType WITH_TEXT = new StructType()
      .add(ID, DataTypes.StringType, false)
      .add(SOURCE, DataTypes.StringType, false)
      .add(TEXT, DataTypes.StringType, false)
      .add(BYTES, DataTypes.LongType, false);

  /** {@code tokenize/docs}. */
  public static final StructType TOKENIZED = new StructType()
      .add(ID, DataTypes.StringType, false)
      .add(SOURCE, DataTypes.StringType, false)
      .add(TOKENS, DataTypes.createArrayType(DataTypes.IntegerType, false), false)
      .add(TOKEN_COUNT, DataTypes.IntegerType, false);

  /** The columns the mix adds to tokenized docs. */
  public static final StructType MIX_COLUMNS = new StructType()
      .add(EPOCH, DataTypes.IntegerType, false)
      .add(PHASE, DataTypes.StringType, false)
      .add(POSITION, DataTypes.LongType, false)
      .add(OFFSET, DataTypes.IntegerType, false);

  /** {@code mix/docs}. */
  public static final StructType MIXED = concat(TOKENIZED, MIX_COLUMNS);

  private Docs() {}

  /** The columns of {@code schema} followed by {@code more}. */
  public static StructType concat(StructType schema, StructType more) {
    List<StructField> fields = new ArrayList<>(Arrays.asList(schema.fields()));
    fields.addAll(Arrays.asList(more.fields()));
    return new StructType(fields.toArray(StructField[]::new));
  }

  /** The names of {@code required}'s columns that {@code actual} lacks, in {@code required}'s order. */
  public static List<String> missing(StructType actual, StructType required) {
    List<String> present = Arrays.asList(actual.fieldNames());
    return Arrays.stream(required.fieldNames()).filter(name -> !present.contains(name)).toList();
  }
}
