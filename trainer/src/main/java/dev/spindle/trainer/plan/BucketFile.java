package dev.spindle.trainer.plan;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;

/**
 * One Parquet file of a bucket, as listed in the decomposition manifest.
 *
 * @param path relative to the decompose stage directory (the manifest's folder)
 * @param rows sequences in the file; the feed seeks with these counts instead of opening earlier files
 */
public record BucketFile(String path, long rows) implements Serializable {
  public BucketFile {
    requireNonNull(path, "path is null");
    if (rows < 0) {
      throw new IllegalArgumentException("Invalid bucket file " + path + ": rows must be >= 0, got " + rows);
    }
  }
}
