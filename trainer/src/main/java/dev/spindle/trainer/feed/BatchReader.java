package dev.spindle.trainer.feed;

import static java.util.Objects.requireNonNull;

import dev.spindle.trainer.engine.TokenBatch;
import dev.spindle.trainer.plan.SequenceRange;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.hadoop.conf.Configuration;

/**
 * Reads {@link SequenceRange}s of a list of buckets (a plan's, or a validation set's) into Arrow vectors,
 * synchronously; a range's bucket index points into that list. Keeps one open {@link BucketReader} per bucket so
 * consecutive steps of a bucket continue in the same row group.
 */
public final class BatchReader implements AutoCloseable {
  private final BufferAllocator allocator;
  private final BucketReader[] readers;

  /** @param dataDir the decompose directory the buckets' file paths are relative to */
  public BatchReader(List<BucketFiles> buckets, String dataDir, BufferAllocator allocator) {
    this.allocator = requireNonNull(allocator, "allocator is null");
    Configuration hadoop = new Configuration();
    this.readers = new BucketReader[buckets.size()];
    for (int i = 0; i < readers.length; i++) {
      readers[i] = new BucketReader(buckets.get(i), dataDir, hadoop);
    }
  }

  /** The rows of {@code range} as one batch; the caller closes it. */
  public LoadedBatch read(long step, SequenceRange range) {
    int values = Math.multiplyExact(range.count(), range.length() + 1);
    IntVector vector = new IntVector("tokens", allocator);
    try {
      vector.allocateNew(values);
      ArrowBuf data = vector.getDataBuffer();
      IntBuffer tokens = data.nioBuffer(0, values * Integer.BYTES).order(ByteOrder.nativeOrder()).asIntBuffer();
      readers[range.bucket()].read(range.first(), range.count(), tokens);
      vector.getValidityBuffer().setOne(0, (values + 7) / 8);
      vector.setValueCount(values);
      tokens.rewind();
      return new LoadedBatch(step, new TokenBatch(range.length(), range.count(), tokens, data.memoryAddress()),
          vector);
    } catch (RuntimeException e) {
      vector.close();
      throw e;
    }
  }

  @Override
  public void close() {
    for (BucketReader reader : readers) {
      reader.close();
    }
  }
}
