package dev.spindle.pipeline.tokenize;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;

/**
 * Tokenize settings ({@code spindle.tokenize}).
 *
 * @param tokenizer which tokenizer the tokenize stage uses (it records it beside its output, {@link TokenizerRecord};
 *     later stages read that record, never this key)
 * @param partitions number of Spark partitions tokenization runs in (and of Parquet files written): more than the
 *     cores so that one long document does not leave the other cores idle
 */
public record TokenizeConfig(TokenizerKind tokenizer, int partitions) implements java.io.Serializable {
  public TokenizeConfig {
    requireNonNull(tokenizer, "tokenizer is null");
    if (partitions < 1) {
      throw new IllegalArgumentException(
          "Cannot configure tokenize: tokenize.partitions must be at least 1 (got " + partitions + ")");
    }
  }

  public static TokenizeConfig from(Config spindle) {
    Config c = spindle.getConfig("tokenize");
    return new TokenizeConfig(TokenizerKind.fromConfigName(c.getString("tokenizer")), c.getInt("partitions"));
  }
}
