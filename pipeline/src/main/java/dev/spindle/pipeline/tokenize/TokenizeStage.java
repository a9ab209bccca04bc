package dev.spindle.pipeline.tokenize;

import static org.apache.spark.sql.functions.col;

import dev.spindle.pipeline.RunLayout;
import dev.spindle.pipeline.SpindleException;
import dev.spindle.pipeline.stage.Stage;
import dev.spindle.pipeline.stage.StageContext;
import dev.spindle.pipeline.stage.StageRecords;
import dev.spindle.pipeline.tokenize.spark.SparkTokenCounts;
import dev.spindle.pipeline.tokenize.spark.SparkTokenize;
import dev.spindle.schema.Docs;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Stage {@code tokenize}: input {@code docs} (id, source, text, ...) → {@code docs} (id, source, tokens with
 * trailing EOS, n_tokens) and {@code docs/_tokenizer.json} ({@link TokenizerRecord}: the tokenizer travels with the
 * tokens). Rows are hash-partitioned by id and sorted by (source, id) before tokenizing, so the
 * files' content does not depend on how the input happened to be split. Every document is kept (an empty text
 * becomes a lone EOS).
 */
public final class TokenizeStage implements Stage {
  public static final String OUTPUT = RunLayout.DOCS;
  public static final String INPUT = "docs";

  @Override
  public String name() {
    return RunLayout.TOKENIZE;
  }

  @Override
  public Object run(StageContext context) {
    long start = System.nanoTime();
    TokenizeConfig config = TokenizeConfig.from(context.config());
    Dataset<Row> docs = context.readParquet(INPUT);
    List<String> columns = List.of(docs.schema().fieldNames());
    for (String column : List.of(Docs.ID, Docs.SOURCE, Docs.TEXT)) {
      if (!columns.contains(column)) {
        throw SpindleException.user("Cannot tokenize %s: column '%s' is missing (columns: %s); expected a docs "
            + "directory (id, source, text)", context.input(INPUT), column, String.join(", ", columns));
      }
    }
    Dataset<Row> ordered =
        docs.select(Docs.ID, Docs.SOURCE, Docs.TEXT)
            .repartition(config.partitions(), col(Docs.ID))
            .sortWithinPartitions(Docs.SOURCE, Docs.ID);
    String output = context.workDir().resolve(OUTPUT).toString();
    context.progress().line("tokenize: %s with %d partitions", config.tokenizer().configName(), config.partitions());
    SparkTokenize.tokenize(ordered, config.tokenizer()).write().parquet(output);
    TokenizerRecord.of(config.tokenizer()).write(context.workDir().resolve(OUTPUT));

    Map<String, TokenizeReport.SourceCounts> sources = SparkTokenCounts.perSource(context.spark().read().parquet(output));
    long documents = sources.values().stream().mapToLong(TokenizeReport.SourceCounts::documents).sum();
    long tokens = sources.values().stream().mapToLong(TokenizeReport.SourceCounts::tokens).sum();
    double seconds = (System.nanoTime() - start) / 1e9;
    context.progress().line("tokenize: %d documents, %d tokens, %.0f tokens/s", documents, tokens, tokens / seconds);
    TokenizerKind kind = config.tokenizer();
    return new TokenizeReport(kind.configName(), kind.vocabularySize(), kind.eosToken(), documents, tokens, seconds,
        tokens / seconds, sources);
  }

  /** One output document per input document: nothing removed, nothing rejected. */
  @Override
  public Optional<StageRecords> records(Object report) {
    long documents = ((TokenizeReport) report).documents();
    return Optional.of(new StageRecords(INPUT, OUTPUT, documents, documents, Map.of(), Map.of(), null));
  }
}
