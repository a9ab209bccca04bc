package dev.spindle.pipeline.tokenize;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import dev.spindle.pipeline.stage.Stage;
import dev.spindle.pipeline.stage.StageContext;
import dev.spindle.pipeline.tokenize.spark.SparkTokenize;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Stage {@code tokenize}: input {@code docs} (id, source, text, ...) → {@code docs} (id, source, tokens with
 * trailing EOS, n_tokens). Rows are hash-partitioned by id and sorted by (source, id) before tokenizing, so the
 * files' content does not depend on how the input happened to be split.
 */
public final class TokenizeStage implements Stage {
  public static final String OUTPUT = "docs";

  @Override
  public String name() {
    return "tokenize";
  }

  @Override
  public Object run(StageContext context) {
    long start = System.nanoTime();
    TokenizeConfig config = TokenizeConfig.from(context.config());
    Dataset<Row> docs = context.spark().read().parquet(context.input("docs").toString());
    for (String column : new String[] {"id", "source", "text"}) {
      if (!java.util.List.of(docs.schema().fieldNames()).contains(column)) {
        throw new IllegalArgumentException(
            "Cannot tokenize " + context.input("docs") + ": column '" + column + "' is missing (columns: "
                + String.join(", ", docs.schema().fieldNames()) + "); expected a docs directory (id, source, text)");
      }
    }
    Dataset<Row> ordered =
        docs.select("id", "source", "text")
            .repartition(config.partitions(), col("id"))
            .sortWithinPartitions("source", "id");
    String output = context.workDir().resolve(OUTPUT).toString();
    context.progress().line("tokenize: %s with %d partitions", config.tokenizer().configName(), config.partitions());
    SparkTokenize.tokenize(ordered, config.tokenizer()).write().parquet(output);

    Map<String, TokenizeReport.SourceCounts> sources = new TreeMap<>();
    long documents = 0;
    long tokens = 0;
    for (Row row :
        context.spark().read().parquet(output)
            .groupBy("source")
            .agg(count(lit(1)), sum(col(SparkTokenize.TOKEN_COUNT)))
            .collectAsList()) {
      sources.put(row.getString(0), new TokenizeReport.SourceCounts(row.getLong(1), row.getLong(2)));
      documents += row.getLong(1);
      tokens += row.getLong(2);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    context.progress().line("tokenize: %d documents, %d tokens, %.0f tokens/s", documents, tokens, tokens / seconds);
    TokenizerKind kind = config.tokenizer();
    return new TokenizeReport(kind.configName(), kind.vocabularySize(), kind.eosToken(), documents, tokens, seconds,
        tokens / seconds, sources);
  }
}
