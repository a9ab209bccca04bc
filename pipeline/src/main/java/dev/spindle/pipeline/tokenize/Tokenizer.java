package dev.spindle.pipeline.tokenize;

/**
 * Text to token ids. Implementations are immutable and thread-safe, so one instance per JVM serves every Spark
 * task of an executor; get them from {@link Tokenizers#get(TokenizerKind)}.
 *
 * <p>Non-goal: encoding special tokens found in the text. A document that contains the literal text
 * {@code <|endoftext|>} is encoded as ordinary text, so only the end-of-document marker that
 * {@link #encodeDocument(String)} appends is ever the EOS id.
 */
public interface Tokenizer {
  /** Which tokenizer this is (recorded in the manifest). */
  TokenizerKind kind();

  /** The end-of-text id appended to every document. */
  default int eosToken() {
    return kind().eosToken();
  }

  /** Largest token id + 1, special tokens included: the embedding table a model needs. */
  default int vocabularySize() {
    return kind().vocabularySize();
  }

  /** The text's tokens, without EOS. */
  int[] encode(String text);

  /** The text's tokens followed by {@link #eosToken()}: the document stream every later stage works on. */
  default int[] encodeDocument(String text) {
    int[] tokens = encode(text);
    int[] document = java.util.Arrays.copyOf(tokens, tokens.length + 1);
    document[tokens.length] = eosToken();
    return document;
  }
}
