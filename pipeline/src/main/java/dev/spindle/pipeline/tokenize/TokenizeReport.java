package dev.spindle.pipeline.tokenize;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;

/**
 * What {@code tokenize} wrote ({@code report.json}): per source documents and tokens (EOS included), and the
 * throughput of the whole stage (read, tokenize, write) in tokens per second.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TokenizeReport(
    String tokenizer, int vocabSize, int eosToken, long documents, long tokens, double seconds,
    double tokensPerSecond, Map<String, SourceCounts> sources) {
  public TokenizeReport {
    sources = Map.copyOf(sources);
  }

  /** One source's counts. */
  public record SourceCounts(long documents, long tokens) {}
}
