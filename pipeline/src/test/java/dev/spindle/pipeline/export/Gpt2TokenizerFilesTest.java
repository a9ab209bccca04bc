package dev.spindle.pipeline.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spindle.pipeline.tokenize.TokenizerKind;
import dev.spindle.pipeline.tokenize.Tokenizers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * GPT-2's tokenizer files derived from r50k's ranks: the known landmarks of GPT-2's published files, and a plain BPE
 * over the derived merges ({@link MergesTokenizer}) that gives exactly jtokkit's ids on tricky strings and on the
 * bundled sample corpus.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Gpt2TokenizerFilesTest {
  @TempDir static Path dir;
  private MergesTokenizer tokenizer;

  @BeforeAll
  void derive() {
    List<Path> files = Gpt2TokenizerFiles.write(dir, 1024);
    assertThat(files).extracting(p -> p.getFileName().toString())
        .containsExactly("vocab.json", "merges.txt", "tokenizer_config.json", "special_tokens_map.json");
    tokenizer = new MergesTokenizer(dir);
  }

  @Test
  void filesHaveGpt2sShape() throws IOException {
    JsonNode vocab = new ObjectMapper().readTree(dir.resolve("vocab.json").toFile());
    assertThat(vocab.size()).isEqualTo(50257);
    assertThat(vocab.get("!").asInt()).isZero();
    assertThat(vocab.get("Ġ").asInt()).as("space").isEqualTo(220);
    assertThat(vocab.get("Ċ").asInt()).as("newline").isEqualTo(198);
    assertThat(vocab.get("Ġthe").asInt()).isEqualTo(262);
    assertThat(vocab.get("<|endoftext|>").asInt()).isEqualTo(50256);
    List<String> merges = Files.readAllLines(dir.resolve("merges.txt"), StandardCharsets.UTF_8);
    assertThat(merges.get(0)).isEqualTo("#version: 0.2");
    assertThat(merges).hasSize(50001);
    assertThat(merges.subList(1, 6)).as("GPT-2's first merges").containsExactly("Ġ t", "Ġ a", "h e", "i n", "r e");
    assertThat(tokenizer.mergeCount()).isEqualTo(50000);
    JsonNode config = new ObjectMapper().readTree(dir.resolve("tokenizer_config.json").toFile());
    assertThat(config.get("model_max_length").asInt()).isEqualTo(1024);
    assertThat(config.get("eos_token").asText()).isEqualTo("<|endoftext|>");
    assertThat(config.get("add_prefix_space").asBoolean()).isFalse();
  }

  @Test
  void mergesReproduceJtokkitsIdsOnTrickyText() {
    List<String> texts = List.of(
        "Hello world! It's a test: don't we'll they've I'm you'd she's.",
        "  leading spaces,\ttabs\t\tand\n\nnewlines \n trailing   ",
        "numbers 1234567890 3.14159 1,000,000 and 2026-12-05",
        "Unicode: café naïve résumé Größe Ελληνικά русский 日本語の文章 中文 한국어",
        "emoji 🙂👍🏽 and symbols ©®™ ← → ≠ ∑ ∞ <|endoftext|> @#$%^&*()_+{}|:\"<>?",
        "code: for (int i = 0; i < n; i++) { x[i] += y[i] * 2; } // done",
        "'''quotes''' \"\"\" ``` ...... ----- ===== ***",
        "\u00a0non-breaking\u2009thin space\u200bzero-width");
    for (String text : texts) {
      assertThat(tokenizer.encode(text)).as("ids of %s", text).isEqualTo(jtokkit(text));
    }
  }

  @Test
  void mergesReproduceJtokkitsIdsOnTheBundledSample() throws IOException {
    long tokens = 0;
    for (String document : sampleDocuments()) {
      int[] expected = jtokkit(document);
      assertThat(tokenizer.encode(document)).as("ids of a sample document starting %s",
          document.substring(0, Math.min(60, document.length()))).isEqualTo(expected);
      tokens += expected.length;
    }
    assertThat(tokens).as("tokens compared").isGreaterThan(20_000);
  }

  private static int[] jtokkit(String text) {
    return Tokenizers.get(TokenizerKind.R50K).encode(text);
  }

  /** The first documents of every source in data/sample (40 per source, at most 4,000 characters each). */
  private static List<String> sampleDocuments() throws IOException {
    List<String> documents = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    try (var files = Files.list(Path.of("..", "data", "sample"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".jsonl.gz")).sorted().toList()) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(
            new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
          String line;
          int taken = 0;
          while (taken < 40 && (line = lines.readLine()) != null) {
            String text = json.readTree(line).path("text").asText();
            documents.add(text.substring(0, Math.min(4_000, text.length())));
            taken++;
          }
        }
      }
    }
    return documents;
  }
}
