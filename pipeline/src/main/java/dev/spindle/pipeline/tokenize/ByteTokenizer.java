package dev.spindle.pipeline.tokenize;

import java.nio.charset.StandardCharsets;

/** UTF-8 bytes as tokens 0..255: lossless, no vocabulary file, and small enough for toy models in tests. */
final class ByteTokenizer implements Tokenizer {
  static final ByteTokenizer INSTANCE = new ByteTokenizer();

  private ByteTokenizer() {}

  @Override
  public TokenizerKind kind() {
    return TokenizerKind.BYTES;
  }

  @Override
  public int[] encode(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    int[] tokens = new int[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      tokens[i] = bytes[i] & 0xff;
    }
    return tokens;
  }
}
