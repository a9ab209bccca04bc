package dev.spindle.pipeline.tokenize;

import static java.util.Objects.requireNonNull;

import com.knuddels.jtokkit.api.Encoding;

/**
 * A tiktoken encoding through jtokkit. {@code encodeOrdinary} treats special-token text as plain text, so a
 * document can never smuggle an EOS id into its own token stream.
 */
final class JtokkitTokenizer implements Tokenizer {
  private final TokenizerKind kind;
  private final Encoding encoding;

  JtokkitTokenizer(TokenizerKind kind, Encoding encoding) {
    this.kind = requireNonNull(kind, "kind is null");
    this.encoding = requireNonNull(encoding, "encoding is null");
  }

  @Override
  public TokenizerKind kind() {
    return kind;
  }

  @Override
  public int[] encode(String text) {
    return encoding.encodeOrdinary(text).toArray();
  }

  /** The underlying encoding, for decoding in tests and reports. */
  Encoding encoding() {
    return encoding;
  }
}
