package dev.spindle.mixing.spark;

import org.apache.spark.Partitioner;

/**
 * Sends key {@code k} (an output file index computed on the driver from positions) to partition {@code k}.
 * Range partitioning by position would sample the data with an RDD-id-dependent seed, so its file boundaries
 * could move between runs; this partitioner makes the files, and so the Parquet bytes, the same every time.
 */
final class PartPartitioner extends Partitioner {
  private final int parts;

  PartPartitioner(int parts) {
    if (parts <= 0) {
      throw new IllegalArgumentException("Cannot partition the mix: parts must be > 0 (got " + parts + ")");
    }
    this.parts = parts;
  }

  @Override
  public int numPartitions() {
    return parts;
  }

  @Override
  public int getPartition(Object key) {
    return (Integer) key;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof PartPartitioner that && that.parts == parts;
  }

  @Override
  public int hashCode() {
    return Integer.hashCode(parts);
  }
}
