package dev.spindle.pipeline.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;

import dev.spindle.pipeline.RunLayout;
import dev.spindle.schema.Docs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The unigram entropy (nats per token) of the tokens a run trained on: the loss a model that ignores context
 * would reach, so training loss is read against it. Computed over the mixed documents (or the tokenized ones when
 * the run has no mix), from at most {@link #MAX_DOCUMENTS} documents.
 */
final class UnigramEntropy {
  static final int MAX_DOCUMENTS = 50_000;

  private UnigramEntropy() {}

  static OptionalDouble of(SparkSession spark, Path run) {
    RunLayout layout = new RunLayout(run);
    Path docs = layout.mixedDocs();
    if (!Files.isDirectory(docs)) {
      docs = layout.tokenizedDocs();
    }
    if (!Files.isDirectory(docs)) {
      return OptionalDouble.empty();
    }
    List<Row> counts =
        spark.read().parquet(docs.toString()).select(Docs.TOKENS).limit(MAX_DOCUMENTS)
            .select(explode(col(Docs.TOKENS)).as("token")).groupBy("token").count().collectAsList();
    return entropy(counts.stream().mapToLong(r -> r.getLong(1)).toArray());
  }

  /** Shannon entropy in nats of the distribution given by these counts. */
  static OptionalDouble entropy(long[] counts) {
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    if (total == 0) {
      return OptionalDouble.empty();
    }
    double h = 0;
    for (long c : counts) {
      if (c > 0) {
        double p = (double) c / total;
        h -= p * Math.log(p);
      }
    }
    return OptionalDouble.of(h);
  }
}
