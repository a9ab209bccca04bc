package dev.spindle.trainer.plan;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * {@code manifest.json}, the decompose stage's output contract and the only way into its buckets: the decompose
 * stage writes it ({@link #write}), training plans from it, the report and the export read it ({@link #read}), and
 * test fixtures build it. Nothing else spells out its fields. Paths are relative to the decompose directory; each
 * bucket's {@code files} are listed in the order training reads them (sorted by name), which is the bucket's seeded
 * shuffle order; the files' columns are {@link BucketSchema}.
 *
 * <p>Token accounting (exact, checked before the manifest is written): a sequence of length {@code L} stores
 * {@code L + 1} tokens and predicts {@code L} targets, so {@code tokens = sequences * L} per bucket and
 * {@code bucket_tokens} is the sum over buckets. The first token of every stream is context only and never a
 * target: one per document in {@code dd}, one for the whole concatenation in {@code concat-chunk}
 * ({@code context_only_tokens}). Every other document token is either in a bucket or dropped, so
 * {@code bucket_tokens + dropped_tokens + context_only_tokens = document_tokens}, in total and per source.
 * {@code dropped_documents} counts documents none of whose targets is in a bucket.
 *
 * @param tokenizer the tokenizer of the tokens, as the tokenized input recorded it (never a config key)
 * @param vocabSize largest token id + 1: the model's embedding table
 * @param eosToken the end-of-text id every document ends with
 * @param mode {@code dd} or {@code concat-chunk}
 * @param minLength the configured smallest bucket
 * @param maxLength the configured largest bucket (the longest bucket written may be shorter: {@link #longestBucket})
 * @param seed the decomposition's seed (bucket order; {@code paper-random} draws)
 * @param decomposition {@code dd}'s cutting rule ({@link Rule}); null in {@code concat-chunk}, and in manifests
 *     written before the rule was configurable (overlap, largest)
 * @param buckets ascending by length; may be empty when every document was too short
 * @param sources per-source counts, by source name
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Manifest(
    String tokenizer, int vocabSize, int eosToken, String mode, int minLength, int maxLength, long seed,
    Rule decomposition, List<Bucket> buckets, Totals totals, Map<String, Totals> sources) {
  public static final String FILE_NAME = "manifest.json";
  /** The folder of the bucket files, under the decompose directory. */
  public static final String BUCKETS = "buckets";

  /** Every field is required when read (but {@code decomposition}, see {@link #read}). */
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);

  public Manifest {
    requireNonNull(tokenizer, "tokenizer is null");
    requireNonNull(mode, "mode is null");
    requireNonNull(totals, "totals is null");
    if (vocabSize <= 0) {
      throw new IllegalArgumentException("Invalid manifest: vocab_size must be positive, got " + vocabSize);
    }
    buckets = requireNonNull(buckets, "buckets is null").stream()
        .sorted(Comparator.comparingInt(Bucket::length))
        .toList();
    for (int i = 1; i < buckets.size(); i++) {
      if (buckets.get(i).length() == buckets.get(i - 1).length()) {
        throw new IllegalArgumentException("Invalid manifest: bucket length " + buckets.get(i).length() + " twice");
      }
    }
    sources = Map.copyOf(requireNonNull(sources, "sources is null"));
  }

  /**
   * The longest bucket written: the model's maximum sequence length. Fails when there is none, which only a
   * decomposition that dropped every document produces.
   */
  public int longestBucket() {
    if (buckets.isEmpty()) {
      throw new IllegalArgumentException(
          "Invalid manifest: no buckets (did the decompose stage drop every document as too short?)");
    }
    return buckets.get(buckets.size() - 1).length();
  }

  /**
   * The {@code dd} cutting rule: {@code stride} ({@code overlap} or {@code paper}) and {@code long_documents}
   * ({@code largest} or {@code paper-random}, the latter seeded by the manifest's {@code seed}).
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Rule(String stride, String longDocuments) {
    public Rule {
      requireNonNull(stride, "stride is null");
      requireNonNull(longDocuments, "longDocuments is null");
    }
  }

  /** Document and token counts, over all documents or one source's (see the class comment for how they add up). */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Totals(
      long documents, long documentTokens, long bucketTokens, long droppedTokens, long contextOnlyTokens,
      long droppedDocuments) {
    /** {@code bucket_tokens + dropped_tokens + context_only_tokens == document_tokens}. */
    public boolean conserved() {
      return bucketTokens + droppedTokens + contextOnlyTokens == documentTokens;
    }
  }

  /** Writes {@code directory/manifest.json}. */
  public void write(Path directory) {
    Path file = directory.resolve(FILE_NAME);
    try {
      Files.writeString(file, JSON.writeValueAsString(this) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write manifest " + file + ": " + e.getMessage(), e);
    }
  }

  /** Reads {@code directory/manifest.json}; a missing, malformed or inconsistent file is an argument error. */
  public static Manifest read(Path directory) {
    Path file = directory.resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "Cannot read manifest: " + file + " does not exist (expected the decompose stage's output directory)");
    }
    try {
      JsonNode json = JSON.readTree(file.toFile());
      if (json instanceof ObjectNode object && !object.has("decomposition")) {
        object.putNull("decomposition"); // written before the rule was configurable: overlap, largest
      }
      return JSON.treeToValue(json, Manifest.class);
    } catch (JsonProcessingException e) {
      // A record's own check (e.g. rows that do not add up) arrives wrapped by Jackson: say what it said.
      String reason = e.getCause() instanceof RuntimeException cause ? cause.getMessage() : e.getOriginalMessage();
      throw new IllegalArgumentException("Cannot read manifest " + file + ": " + reason, e);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read manifest " + file + ": " + e.getMessage(), e);
    }
  }

  /** A bucket's folder under the decompose directory: {@code buckets/length=L}. */
  public static String bucketPath(int length) {
    return BUCKETS + "/length=" + length;
  }
}
