package dev.spindle.pipeline.tokenize;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The tokenizers Spindle knows, by their config name. EOS ids and vocabulary sizes are those of tiktoken's
 * encodings (jtokkit carries the same special-token tables): vocabulary size = largest id + 1 counting the
 * special tokens ({@code <|endofprompt|>} is the largest for cl100k and o200k), so a model sized from the
 * manifest can embed every id the tokenizer may emit.
 */
public enum TokenizerKind {
  /** GPT-2's byte-pair encoding (r50k_base). */
  R50K("r50k", 50256, 50257),
  /** GPT-3.5/4's cl100k_base. */
  CL100K("cl100k", 100257, 100277),
  /** GPT-4o's o200k_base. */
  O200K("o200k", 199999, 200019),
  /** One token per UTF-8 byte (0..255) + EOS 256: tiny vocabulary for tests and toy models. */
  BYTES("bytes", 256, 257);

  private final String configName;
  private final int eosToken;
  private final int vocabularySize;

  TokenizerKind(String configName, int eosToken, int vocabularySize) {
    this.configName = configName;
    this.eosToken = eosToken;
    this.vocabularySize = vocabularySize;
  }

  public String configName() {
    return configName;
  }

  public int eosToken() {
    return eosToken;
  }

  public int vocabularySize() {
    return vocabularySize;
  }

  /** The kind for a config value such as {@code cl100k}, or a user error listing the valid names. */
  public static TokenizerKind fromConfigName(String name) {
    for (TokenizerKind kind : values()) {
      if (kind.configName.equals(name.strip().toLowerCase(Locale.ROOT))) {
        return kind;
      }
    }
    throw new IllegalArgumentException(
        "Cannot use tokenizer '" + name + "': unknown name (expected one of "
            + Arrays.stream(values()).map(TokenizerKind::configName).collect(Collectors.joining(", ")) + ")");
  }
}
