package dev.spindle.pipeline.decompose.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;

import dev.spindle.pipeline.SpindleException;
import dev.spindle.pipeline.tokenize.spark.SparkTokenize;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Decompose's input: a tokenized docs directory (tokenize or mix output, possibly with extra columns such as
 * epoch, phase, position); text is refused (the command line runs the tokenize stage first). The result has
 * {@code id, source, tokens, n_tokens, epoch} (0 when the input has none: a document the mix repeats appears once
 * per epoch), {@code offset} (0 when the input has none: where the row's tokens start in its document, when the
 * mix cut the document at a boundary) and {@code position} when the input had one.
 */
public final class SparkDocumentTokens {
  public static final String POSITION = "position";
  public static final String EPOCH = "epoch";
  public static final String OFFSET = "offset";

  private SparkDocumentTokens() {}

  public static Dataset<Row> prepare(Dataset<Row> input, java.nio.file.Path location) {
    List<String> columns = List.of(input.schema().fieldNames());
    for (String required : List.of("id", "source")) {
      if (!columns.contains(required)) {
        throw SpindleException.user("Cannot decompose %s: input has no '%s' column (columns: %s); expected tokenize "
            + "or mix output", location, required, String.join(", ", columns));
      }
    }
    if (!columns.contains(SparkTokenize.TOKENS)) {
      throw SpindleException.user("Cannot decompose %s: it holds no 'tokens' column (columns: %s)%s", location,
          String.join(", ", columns), columns.contains("text")
              ? "; it holds text: give it to `spindle decompose --input`, which tokenizes it first, or run "
                  + "`spindle tokenize`" : "; expected tokenize or mix output");
    }
    List<Column> select = new ArrayList<>(List.of(col("id"), col("source"), col(SparkTokenize.TOKENS)));
    select.add(columns.contains(SparkTokenize.TOKEN_COUNT)
        ? col(SparkTokenize.TOKEN_COUNT).cast("int").as(SparkTokenize.TOKEN_COUNT)
        : size(col(SparkTokenize.TOKENS)).as(SparkTokenize.TOKEN_COUNT));
    select.add((columns.contains(EPOCH) ? col(EPOCH).cast("int") : lit(0)).as(EPOCH));
    select.add((columns.contains(OFFSET) ? col(OFFSET).cast("int") : lit(0)).as(OFFSET));
    if (columns.contains(POSITION)) {
      select.add(col(POSITION).cast("long").as(POSITION));
    }
    return input.select(select.toArray(Column[]::new));
  }

  /**
   * A row's tokens as an int array, checked against the vocabulary: an id outside it means the input was
   * tokenized with another tokenizer than the one the manifest would name.
   */
  static int[] tokens(Row row, int index, int vocabularySize, String docId) {
    List<Integer> list = row.getList(index);
    int[] tokens = new int[list.size()];
    for (int i = 0; i < tokens.length; i++) {
      int token = list.get(i);
      if (token < 0 || token >= vocabularySize) {
        throw SpindleException.user("Cannot decompose document %s: token %d at %d is outside the vocabulary "
            + "(expected 0..%d); was the input tokenized with another tokenizer than tokenize.tokenizer?", docId,
            token, i, vocabularySize - 1);
      }
      tokens[i] = token;
    }
    return tokens;
  }
}
