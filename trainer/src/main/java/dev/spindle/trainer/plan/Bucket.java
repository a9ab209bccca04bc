package dev.spindle.trainer.plan;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.List;

/**
 * One length bucket of the manifest: {@code sequences} rows of {@code length + 1} tokens, already in a seeded
 * shuffled order, stored in {@code files} which are consumed front to back.
 */
public record Bucket(int length, long sequences, List<BucketFile> files) implements Serializable {
  public Bucket {
    if (length <= 0) {
      throw new IllegalArgumentException("Invalid bucket: length must be positive, got " + length);
    }
    files = List.copyOf(requireNonNull(files, "files is null"));
    long listed = files.stream().mapToLong(BucketFile::rows).sum();
    if (listed != sequences) {
      throw new IllegalArgumentException(
          "Invalid bucket length=" + length + ": files list " + listed + " rows but the bucket says "
              + sequences + " sequences (is the manifest from an interrupted decompose run?)");
    }
  }

  /** Tokens this bucket can supply as targets: sequences * L. */
  public long tokens() {
    return sequences * length;
  }
}
