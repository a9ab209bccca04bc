package dev.spindle.pipeline.tokenize.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import dev.spindle.pipeline.tokenize.TokenizeReport;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Documents and tokens (EOS included) per source of a tokenized docs dataset. */
public final class SparkTokenCounts {
  private SparkTokenCounts() {}

  public static Map<String, TokenizeReport.SourceCounts> perSource(Dataset<Row> tokenized) {
    Map<String, TokenizeReport.SourceCounts> sources = new TreeMap<>();
    for (Row row : tokenized.groupBy("source")
        .agg(count(lit(1)), sum(col(SparkTokenize.TOKEN_COUNT)))
        .collectAsList()) {
      sources.put(row.getString(0), new TokenizeReport.SourceCounts(row.getLong(1), row.getLong(2)));
    }
    return sources;
  }
}
