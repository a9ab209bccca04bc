package dev.spindle.pipeline.decompose;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.spindle.pipeline.io.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code decompose/manifest.json}: what the training stage plans from. Paths are relative to the decompose
 * directory; each bucket's {@code files} are listed in the order training reads them (sorted by name), which is
 * the bucket's seeded shuffle order.
 *
 * <p>Token accounting (exact, checked before the manifest is written): a sequence of length {@code L} stores
 * {@code L + 1} tokens and predicts {@code L} targets, so {@code tokens = sequences * L} per bucket and
 * {@code bucket_tokens} is the sum over buckets. The first token of every stream is context only and never a
 * target: one per document in {@code dd}, one for the whole concatenation in {@code concat-chunk}
 * ({@code context_only_tokens}). Every other document token is either in a bucket or dropped, so
 * {@code bucket_tokens + dropped_tokens + context_only_tokens = document_tokens}, in total and per source.
 * {@code dropped_documents} counts documents none of whose targets is in a bucket. In {@code dd} mode,
 * {@code decomposition} names the cutting rule ({@link Rule}); with {@code stride = paper} every piece's first
 * token is context only. A manifest without it was written before the rule was configurable: overlap, largest.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Manifest(
    String tokenizer, int vocabSize, int eosToken, String mode, int minLength, int maxLength, long seed,
    Rule decomposition, List<Bucket> buckets, Totals totals, Map<String, SourceTotals> sources) {
  public static final String FILE = "manifest.json";

  public Manifest {
    requireNonNull(tokenizer, "tokenizer is null");
    requireNonNull(mode, "mode is null");
    buckets = List.copyOf(buckets);
    requireNonNull(totals, "totals is null");
    sources = Map.copyOf(sources);
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

  /** One length bucket: {@code buckets/length=L}. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Bucket(int length, long sequences, long tokens, String path, List<BucketFile> files) {
    public Bucket {
      requireNonNull(path, "path is null");
      files = List.copyOf(files);
      if (tokens != sequences * length) {
        throw new IllegalArgumentException(
            "Cannot describe bucket " + length + ": tokens must be sequences * length (got " + tokens + " for "
                + sequences + " sequences)");
      }
    }
  }

  /** A Parquet file of a bucket and its row count. */
  public record BucketFile(String path, long rows) {
    public BucketFile {
      requireNonNull(path, "path is null");
    }
  }

  /** Counts over all documents (see the class comment for how they add up). */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Totals(
      long documents, long documentTokens, long bucketTokens, long droppedTokens, long contextOnlyTokens,
      long droppedDocuments) {
    /** {@code bucket_tokens + dropped_tokens + context_only_tokens == document_tokens}. */
    public boolean conserved() {
      return bucketTokens + droppedTokens + contextOnlyTokens == documentTokens;
    }
  }

  /** Counts of one source. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record SourceTotals(
      long documents, long documentTokens, long bucketTokens, long droppedTokens, long contextOnlyTokens,
      long droppedDocuments) {}

  public void write(Path directory) {
    Json.write(directory.resolve(FILE), this);
  }

  public static Manifest read(Path directory) {
    Path file = directory.resolve(FILE);
    try {
      return Json.mapper().readValue(file.toFile(), Manifest.class);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read manifest " + file + ": " + e.getMessage(), e);
    }
  }
}
