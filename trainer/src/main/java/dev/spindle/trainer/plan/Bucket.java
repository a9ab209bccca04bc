package dev.spindle.trainer.plan;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.List;

/**
 * One length bucket of the {@link Manifest}: {@code sequences} rows of {@code length + 1} tokens, already in a seeded
 * shuffled order, stored in {@code files} which are consumed front to back.
 *
 * @param tokens targets the bucket holds: always {@code sequences * length} (written for readers of the JSON)
 * @param path the bucket's folder, relative to the decompose directory ({@link Manifest#bucketPath})
 */
public record Bucket(int length, long sequences, long tokens, String path, List<BucketFile> files)
    implements Serializable {
  public Bucket {
    if (length <= 0) {
      throw new IllegalArgumentException("Invalid bucket: length must be positive, got " + length);
    }
    requireNonNull(path, "path is null");
    files = List.copyOf(requireNonNull(files, "files is null"));
    long listed = files.stream().mapToLong(BucketFile::rows).sum();
    if (listed != sequences) {
      throw new IllegalArgumentException(
          "Invalid bucket length=" + length + ": files list " + listed + " rows but the bucket says "
              + sequences + " sequences (is the manifest from an interrupted decompose run?)");
    }
    if (tokens != sequences * length) {
      throw new IllegalArgumentException(
          "Invalid bucket length=" + length + ": tokens must be sequences * length (got " + tokens + " for "
              + sequences + " sequences)");
    }
  }

  /** The bucket of {@code length} in its usual folder, its tokens counted from its sequences. */
  public Bucket(int length, long sequences, List<BucketFile> files) {
    this(length, sequences, sequences * length, Manifest.bucketPath(length), files);
  }
}
