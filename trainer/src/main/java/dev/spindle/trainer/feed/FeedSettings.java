package dev.spindle.trainer.feed;

/**
 * @param prefetch batches read ahead of the trainer (queue capacity); 2 hides one slow read behind a step
 * @param memoryLimitBytes cap of the feed's Arrow allocator; prefetched and in-use batches must fit
 *     (defaults: {@code spindle.train.feed} in the trainer's reference.conf)
 */
public record FeedSettings(int prefetch, long memoryLimitBytes) implements java.io.Serializable {
  public FeedSettings {
    if (prefetch <= 0) {
      throw new IllegalArgumentException("Invalid feed: prefetch must be positive, got " + prefetch);
    }
    if (memoryLimitBytes <= 0) {
      throw new IllegalArgumentException("Invalid feed: memory limit must be positive, got " + memoryLimitBytes);
    }
  }
}
