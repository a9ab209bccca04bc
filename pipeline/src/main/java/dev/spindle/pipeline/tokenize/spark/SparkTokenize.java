package dev.spindle.pipeline.tokenize.spark;

import dev.spindle.pipeline.tokenize.Tokenizer;
import dev.spindle.pipeline.tokenize.TokenizerKind;
import dev.spindle.pipeline.tokenize.Tokenizers;
import dev.spindle.schema.Docs;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Replaces a docs dataset's {@code text} with {@code tokens} (array&lt;int&gt;, trailing EOS included) and
 * {@code n_tokens}, keeping every other column (e.g. {@code position} of a mix output) except {@code bytes}, which
 * described the text. Runs per partition with the JVM's shared tokenizer.
 */
public final class SparkTokenize {
  private SparkTokenize() {}

  public static Dataset<Row> tokenize(Dataset<Row> docs, TokenizerKind kind) {
    StructType in = docs.schema();
    if (!List.of(in.fieldNames()).contains(Docs.TEXT)) {
      throw dev.spindle.pipeline.SpindleException.user("Cannot tokenize: input has no 'text' column (columns: %s)",
          String.join(", ", in.fieldNames()));
    }
    int textIndex = in.fieldIndex(Docs.TEXT);
    List<Integer> kept = new ArrayList<>();
    StructType out = new StructType();
    for (int i = 0; i < in.fields().length; i++) {
      StructField field = in.fields()[i];
      if (!field.name().equals(Docs.TEXT) && !field.name().equals(Docs.BYTES)) {
        kept.add(i);
        out = out.add(field);
      }
    }
    out = out.add(Docs.TOKENIZED.apply(Docs.TOKENS)).add(Docs.TOKENIZED.apply(Docs.TOKEN_COUNT));
    int[] keptIndexes = kept.stream().mapToInt(Integer::intValue).toArray();
    return docs.mapPartitions(new TokenizePartition(kind, textIndex, keptIndexes), Encoders.row(out));
  }

  /** The per-partition function; it carries only the kind, and looks the tokenizer up in the executor's JVM. */
  private record TokenizePartition(TokenizerKind kind, int textIndex, int[] keptIndexes)
      implements MapPartitionsFunction<Row, Row> {
    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      Tokenizer tokenizer = Tokenizers.get(kind);
      // Rows are tokenized as Spark pulls them: the partition is never held in memory.
      return CollectionConverters.asJava(CollectionConverters.asScala(rows).map(row -> tokenize(row, tokenizer)));
    }

    private Row tokenize(Row row, Tokenizer tokenizer) {
      String text = row.isNullAt(textIndex) ? "" : row.getString(textIndex);
      int[] tokens = tokenizer.encodeDocument(text);
      Object[] values = new Object[keptIndexes.length + 2];
      for (int i = 0; i < keptIndexes.length; i++) {
        values[i] = row.get(keptIndexes[i]);
      }
      values[keptIndexes.length] = tokens;
      values[keptIndexes.length + 1] = tokens.length;
      return RowFactory.create(values);
    }
  }
}
