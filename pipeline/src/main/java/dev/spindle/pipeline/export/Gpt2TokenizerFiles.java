package dev.spindle.pipeline.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.IntArrayList;
import dev.spindle.pipeline.tokenize.TokenizerKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GPT-2's tokenizer files for a run tokenized with r50k (tiktoken's name for GPT-2's encoding), derived from jtokkit's
 * rank table rather than shipped: {@code vocab.json} (every token spelled in {@link ByteLevelAlphabet}, id = rank, plus
 * {@code <|endoftext|>}), {@code merges.txt} ({@link BpeMerges}, version 0.2 header), {@code tokenizer_config.json} and
 * {@code special_tokens_map.json}, so {@code AutoTokenizer.from_pretrained(dir)} gives the ids the model was trained on.
 *
 * <p>Other encodings (cl100k, o200k) split text with other regular expressions than GPT-2's tokenizer and the bytes
 * tokenizer is no BPE: their runs export weights only.
 */
final class Gpt2TokenizerFiles {
  static final String VOCAB = "vocab.json";
  static final String MERGES = "merges.txt";
  static final String TOKENIZER_CONFIG = "tokenizer_config.json";
  static final String SPECIAL_TOKENS = "special_tokens_map.json";
  static final String END_OF_TEXT = "<|endoftext|>";
  private static final ObjectMapper JSON = new ObjectMapper();

  private Gpt2TokenizerFiles() {}

  /** Whether runs with this tokenizer get tokenizer files. */
  static boolean supports(TokenizerKind kind) {
    return kind == TokenizerKind.R50K;
  }

  /** Writes the four files into {@code dir} and returns them. */
  static List<Path> write(Path dir, int maxLength) {
    TokenizerKind kind = TokenizerKind.R50K;
    Encoding encoding = TokenText.encoding(kind);
    int ordinary = kind.eosToken(); // r50k's only special token is the last id
    List<byte[]> tokens = new ArrayList<>(ordinary);
    Map<String, Integer> vocabulary = new LinkedHashMap<>();
    for (int id = 0; id < ordinary; id++) {
      IntArrayList single = new IntArrayList(1);
      single.add(id);
      byte[] bytes = encoding.decodeBytes(single);
      tokens.add(bytes);
      if (vocabulary.put(ByteLevelAlphabet.spell(bytes), id) != null) {
        throw new IllegalStateException("Cannot derive GPT-2 vocabulary: two ids decode to the bytes of id " + id);
      }
    }
    vocabulary.put(END_OF_TEXT, kind.eosToken());
    StringBuilder merges = new StringBuilder("#version: 0.2\n");
    for (BpeMerges.Merge merge : BpeMerges.fromRanks(tokens)) {
      merges.append(ByteLevelAlphabet.spell(merge.left())).append(' ')
          .append(ByteLevelAlphabet.spell(merge.right())).append('\n');
    }
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("tokenizer_class", "GPT2Tokenizer");
    config.put("model_max_length", maxLength);
    config.put("bos_token", END_OF_TEXT);
    config.put("eos_token", END_OF_TEXT);
    config.put("unk_token", END_OF_TEXT);
    config.put("add_prefix_space", false);
    config.put("add_bos_token", false);
    config.put("errors", "replace");
    config.put("clean_up_tokenization_spaces", false);
    Map<String, Object> special = new LinkedHashMap<>();
    special.put("bos_token", END_OF_TEXT);
    special.put("eos_token", END_OF_TEXT);
    special.put("unk_token", END_OF_TEXT);
    try {
      Files.createDirectories(dir);
      Path vocab = dir.resolve(VOCAB);
      JSON.writeValue(vocab.toFile(), vocabulary);
      Path mergesFile = dir.resolve(MERGES);
      Files.writeString(mergesFile, merges, StandardCharsets.UTF_8);
      Path configFile = dir.resolve(TOKENIZER_CONFIG);
      JSON.writerWithDefaultPrettyPrinter().writeValue(configFile.toFile(), config);
      Path specialFile = dir.resolve(SPECIAL_TOKENS);
      JSON.writerWithDefaultPrettyPrinter().writeValue(specialFile.toFile(), special);
      return List.of(vocab, mergesFile, configFile, specialFile);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write tokenizer files to " + dir + ": " + e.getMessage(), e);
    }
  }
}
