package dev.spindle.pipeline.tokenize;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import java.util.EnumMap;
import java.util.Map;

/**
 * One tokenizer per kind per JVM. Loading a BPE table takes ~0.5 s and tens of MB, and jtokkit encoders are
 * thread-safe, so every Spark task of an executor shares the instance instead of building one per partition.
 */
public final class Tokenizers {
  // The lazy registry loads only the encodings that are asked for (o200k alone is ~3 MB of ranks to parse).
  private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();
  private static final Map<TokenizerKind, Tokenizer> CACHE = new EnumMap<>(TokenizerKind.class);

  private Tokenizers() {}

  public static synchronized Tokenizer get(TokenizerKind kind) {
    return CACHE.computeIfAbsent(kind, Tokenizers::create);
  }

  private static Tokenizer create(TokenizerKind kind) {
    return switch (kind) {
      case BYTES -> ByteTokenizer.INSTANCE;
      case R50K -> new JtokkitTokenizer(kind, REGISTRY.getEncoding(EncodingType.R50K_BASE));
      case CL100K -> new JtokkitTokenizer(kind, REGISTRY.getEncoding(EncodingType.CL100K_BASE));
      case O200K -> new JtokkitTokenizer(kind, REGISTRY.getEncoding(EncodingType.O200K_BASE));
    };
  }
}
