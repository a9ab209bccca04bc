package dev.spindle.pipeline.export;

/**
 * GPT-2's reversible map from bytes to printable characters, which its {@code vocab.json} and {@code merges.txt}
 * spell tokens in: the bytes that are printable Latin-1 characters ({@code !..~}, {@code ¡..¬}, {@code ®..ÿ}) stand for
 * themselves, and the other 68 bytes (controls, space, soft hyphen...) take the code points 256, 257, ... in byte order,
 * so that a space is {@code Ġ} (U+0120) and a newline {@code Ċ} (U+010A).
 */
final class ByteLevelAlphabet {
  private static final char[] CHARACTER = new char[256];

  static {
    int next = 256;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      CHARACTER[b] = (char) (printable ? b : next++);
    }
  }

  private ByteLevelAlphabet() {}

  static char character(int unsignedByte) {
    return CHARACTER[unsignedByte];
  }

  /** The token's bytes spelled in GPT-2's alphabet. */
  static String spell(byte[] bytes) {
    StringBuilder out = new StringBuilder(bytes.length);
    for (byte b : bytes) {
      out.append(CHARACTER[b & 0xff]);
    }
    return out.toString();
  }
}
