package dev.spindle.dedup;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Identity of a normalized text for exact dedup: the first 128 bits of its SHA-256, as hex. 128 bits keep the
 * chance of two different texts colliding negligible even at billions of documents, which a 64-bit hash does not.
 */
public final class ContentHash {
  private ContentHash() {}

  public static String of(String normalizedText) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(normalizedText.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Cannot hash text: the JVM has no SHA-256 (every Java 17 runtime must)", e);
    }
  }
}
