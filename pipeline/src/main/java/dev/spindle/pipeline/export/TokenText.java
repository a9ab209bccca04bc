package dev.spindle.pipeline.export;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import dev.spindle.pipeline.tokenize.Tokenizer;
import dev.spindle.pipeline.tokenize.TokenizerKind;
import dev.spindle.pipeline.tokenize.Tokenizers;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Token ids back to bytes and text, for samples and tokenizer files: the {@code tokenize} package only encodes. A
 * decoded sample may end inside a multi-byte character; text decoding replaces such bytes with U+FFFD.
 */
final class TokenText {
  // Separate from Tokenizers' registry, which it keeps private; each encoding is loaded once, when first asked for.
  private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();

  private TokenText() {}

  static int[] encode(TokenizerKind kind, String text) {
    return Tokenizers.get(kind).encode(text);
  }

  /** The bytes of {@code tokens}; the end-of-text id decodes to nothing. */
  static byte[] bytes(TokenizerKind kind, int[] tokens) {
    Tokenizer tokenizer = Tokenizers.get(kind);
    if (kind == TokenizerKind.BYTES) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(tokens.length);
      for (int token : tokens) {
        if (token >= 0 && token < 256) {
          out.write(token);
        }
      }
      return out.toByteArray();
    }
    IntArrayList list = new IntArrayList(tokens.length);
    for (int token : tokens) {
      if (token != tokenizer.eosToken()) {
        list.add(token);
      }
    }
    return encoding(kind).decodeBytes(list);
  }

  static String text(TokenizerKind kind, int[] tokens) {
    return new String(bytes(kind, tokens), StandardCharsets.UTF_8);
  }

  static Encoding encoding(TokenizerKind kind) {
    return switch (kind) {
      case R50K -> REGISTRY.getEncoding(EncodingType.R50K_BASE);
      case CL100K -> REGISTRY.getEncoding(EncodingType.CL100K_BASE);
      case O200K -> REGISTRY.getEncoding(EncodingType.O200K_BASE);
      case BYTES -> throw new IllegalArgumentException("The bytes tokenizer has no BPE encoding");
    };
  }
}
