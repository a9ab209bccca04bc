package dev.spindle.pipeline.tokenize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.knuddels.jtokkit.api.IntArrayList;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TokenizerTest {
  @Test
  void byteTokenizerEmitsUtf8BytesThenEos() {
    Tokenizer bytes = Tokenizers.get(TokenizerKind.BYTES);
    int[] tokens = bytes.encodeDocument("aé");
    assertThat(tokens).containsExactly('a', 0xc3, 0xa9, 256);
    assertThat(bytes.vocabularySize()).isEqualTo(257);
  }

  @Test
  void emptyTextIsJustEos() {
    assertThat(Tokenizers.get(TokenizerKind.CL100K).encodeDocument("")).containsExactly(100257);
  }

  @ParameterizedTest
  @EnumSource(value = TokenizerKind.class, names = {"R50K", "CL100K", "O200K"})
  void eosIdDecodesToEndOfTextAndVocabularyCoversTheLargestSpecialToken(TokenizerKind kind) {
    JtokkitTokenizer tokenizer = (JtokkitTokenizer) Tokenizers.get(kind);
    assertThat(decode(tokenizer, kind.eosToken())).isEqualTo("<|endoftext|>");
    // The largest id must decode (it exists), the next one must not (the vocabulary is not larger).
    assertThat(decode(tokenizer, kind.vocabularySize() - 1)).isNotEmpty();
    assertThatThrownBy(() -> decode(tokenizer, kind.vocabularySize())).isInstanceOf(RuntimeException.class);
  }

  @ParameterizedTest
  @EnumSource(value = TokenizerKind.class, names = {"R50K", "CL100K", "O200K"})
  void roundTripsTextAndNeverEmitsEosForSpecialTokenText(TokenizerKind kind) {
    JtokkitTokenizer tokenizer = (JtokkitTokenizer) Tokenizers.get(kind);
    String text = "Hello <|endoftext|> wörld\n\tdef f(x): return x";
    int[] tokens = tokenizer.encode(text);
    assertThat(tokens).as("special-token text is encoded as ordinary text").doesNotContain(kind.eosToken());
    IntArrayList list = new IntArrayList();
    for (int token : tokens) {
      list.add(token);
    }
    assertThat(new String(tokenizer.encoding().decodeBytes(list), StandardCharsets.UTF_8)).isEqualTo(text);
  }

  @Test
  void gpt2EncodesAKnownSentence() {
    // "Hello world" is [15496, 995] in GPT-2's vocabulary (tiktoken r50k_base).
    assertThat(Tokenizers.get(TokenizerKind.R50K).encode("Hello world")).containsExactly(15496, 995);
  }

  @Test
  void oneInstancePerJvm() {
    assertThat(Tokenizers.get(TokenizerKind.CL100K)).isSameAs(Tokenizers.get(TokenizerKind.CL100K));
  }

  @Test
  void unknownNameListsTheValidOnes() {
    assertThatThrownBy(() -> TokenizerKind.fromConfigName("gpt5"))
        .hasMessageContaining("'gpt5'")
        .hasMessageContaining("r50k, cl100k, o200k, bytes");
    assertThat(TokenizerKind.fromConfigName(" CL100K ")).isEqualTo(TokenizerKind.CL100K);
  }

  private static String decode(JtokkitTokenizer tokenizer, int token) {
    IntArrayList list = new IntArrayList();
    list.add(token);
    return tokenizer.encoding().decode(list);
  }
}
