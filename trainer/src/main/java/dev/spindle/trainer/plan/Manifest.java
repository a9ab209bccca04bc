package dev.spindle.trainer.plan;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The part of the decompose stage's {@code manifest.json} that training needs: vocabulary, lengths and the
 * bucket files. Other fields (totals, sources) are the report's business and are ignored here.
 */
public record Manifest(String tokenizer, int vocabSize, int eosToken, String mode, List<Bucket> buckets) {
  public static final String FILE_NAME = "manifest.json";

  public Manifest {
    requireNonNull(tokenizer, "tokenizer is null");
    requireNonNull(mode, "mode is null");
    if (vocabSize <= 0) {
      throw new IllegalArgumentException("Invalid manifest: vocab_size must be positive, got " + vocabSize);
    }
    buckets = requireNonNull(buckets, "buckets is null").stream()
        .sorted(Comparator.comparingInt(Bucket::length))
        .toList();
    if (buckets.isEmpty()) {
      throw new IllegalArgumentException("Invalid manifest: no buckets (did the decompose stage drop everything?)");
    }
    for (int i = 1; i < buckets.size(); i++) {
      if (buckets.get(i).length() == buckets.get(i - 1).length()) {
        throw new IllegalArgumentException("Invalid manifest: bucket length " + buckets.get(i).length() + " twice");
      }
    }
  }

  /** The longest bucket: the model's maximum sequence length. */
  public int maxLength() {
    return buckets.get(buckets.size() - 1).length();
  }

  /** Reads {@code dir/manifest.json}. */
  public static Manifest read(Path dir) {
    Path file = dir.resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "Cannot read manifest: " + file + " does not exist (expected the decompose stage's output directory)");
    }
    try {
      return parse(new ObjectMapper().readTree(file.toFile()));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read manifest " + file + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("Cannot read manifest " + file + ": " + e.getMessage(), e);
    }
  }

  static Manifest parse(JsonNode root) {
    List<Bucket> buckets = new ArrayList<>();
    for (JsonNode bucket : required(root, "buckets")) {
      List<BucketFile> files = new ArrayList<>();
      for (JsonNode file : required(bucket, "files")) {
        files.add(new BucketFile(required(file, "path").asText(), required(file, "rows").asLong()));
      }
      buckets.add(new Bucket(required(bucket, "length").asInt(), required(bucket, "sequences").asLong(), files));
    }
    return new Manifest(
        required(root, "tokenizer").asText(),
        required(root, "vocab_size").asInt(),
        root.path("eos_token").asInt(-1),
        root.path("mode").asText("dd"),
        buckets);
  }

  private static JsonNode required(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException("missing field '" + field + "' in " + abbreviate(node.toString()));
    }
    return value;
  }

  private static String abbreviate(String text) {
    return text.length() <= 120 ? text : text.substring(0, 117) + "...";
  }
}
