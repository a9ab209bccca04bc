package dev.spindle.trainer.cuda.collective;

import dev.spindle.trainer.collective.Collective;
import dev.spindle.trainer.cuda.kernels.KernelLibrary;
import dev.spindle.trainer.cuda.runtime.CudaDevice;
import dev.spindle.trainer.cuda.runtime.CudaStream;
import dev.spindle.trainer.cuda.runtime.DeviceMemory;
import dev.spindle.trainer.cuda.runtime.NcclCommunicator;
import dev.spindle.trainer.cuda.runtime.PinnedHostMemory;
import java.nio.FloatBuffer;
import java.time.Duration;

/**
 * NCCL all-reduce between GPU trainers, one rank per GPU (NCCL refuses two ranks on one device: trainers sharing a
 * GPU use {@link SharedDeviceCollective}). The caller exchanges the unique id: rank 0 calls {@link #newUniqueId()}
 * and every rank passes the same bytes (the Spark launcher uses {@code BarrierTaskContext.allGather}). The CUDA
 * engine averages its device buffers in place on its own stream ({@code ncclAvg}); small host vectors (the loss and
 * checksums) go through a reusable pinned and device buffer. One communicator per barrier attempt: {@link #close}
 * destroys it, so a retried attempt starts clean.
 */
public final class NcclCollective implements Collective, DeviceCollective {
  public static final int UNIQUE_ID_BYTES = NcclCommunicator.UNIQUE_ID_BYTES;

  private final int rank;
  private final int size;
  private final CudaDevice device;
  private final CudaStream stream;
  private final NcclCommunicator communicator;
  private final Duration timeout;
  private DeviceMemory scratch;
  private PinnedHostMemory staging;
  private boolean closed;

  /**
   * Joins as {@code rank} of {@code size} on GPU {@code device}; blocks until every rank has joined.
   *
   * @param timeout how long an all-reduce may wait for its peers before this rank aborts and fails
   */
  public NcclCollective(int rank, int size, byte[] uniqueId, int device, Duration timeout) {
    this.device = CudaDevice.open(device);
    this.rank = rank;
    this.size = size;
    this.timeout = timeout;
    this.stream = new CudaStream();
    try {
      this.communicator = new NcclCommunicator(rank, size, uniqueId);
    } catch (RuntimeException e) {
      stream.close();
      throw e;
    }
  }

  /** Fresh id bytes for a new communicator (rank 0 makes it, every rank gets a copy). */
  public static byte[] newUniqueId() {
    return NcclCommunicator.newUniqueId();
  }

  @Override
  public int rank() {
    return rank;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public void allReduceMeanInPlace(long deviceAddress, long count, CudaStream engineStream, KernelLibrary kernels) {
    ensureOpen();
    communicator.allReduceMean(deviceAddress, count, engineStream);
    // The trainer reads a checksum right after anyway: waiting here, with a deadline, keeps a lost peer from
    // hanging that read forever.
    communicator.await(engineStream, timeout);
  }

  @Override
  public void allReduceMean(FloatBuffer buffer) {
    ensureOpen();
    device.makeCurrent();
    int count = buffer.remaining();
    if (count == 0) {
      return;
    }
    long bytes = (long) count * Float.BYTES;
    if (scratch == null || scratch.bytes() < bytes) {
      if (scratch != null) {
        scratch.close();
        staging.close();
      }
      scratch = DeviceMemory.floats(count, "NCCL host all-reduce scratch");
      staging = new PinnedHostMemory(bytes, "NCCL staging");
    }
    FloatBuffer pinned = staging.buffer().asFloatBuffer();
    pinned.put(buffer.duplicate());
    stream.copy(scratch.address(), staging.address(), bytes);
    communicator.allReduceMean(scratch.address(), count, stream);
    stream.copy(staging.address(), scratch.address(), bytes);
    communicator.await(stream, timeout);
    buffer.duplicate().put(pinned.clear().limit(count));
  }

  @Override
  public void barrier() {
    allReduceMean(FloatBuffer.wrap(new float[1]));
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("The NCCL collective is closed");
    }
  }

  /** After a failure: aborts the communicator (peers then fail at their own deadline) without waiting for them. */
  public void abort() {
    communicator.abort();
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      device.makeCurrent();
      try (stream; communicator; DeviceMemory d = scratch; PinnedHostMemory h = staging) {
        scratch = null;
        staging = null;
      }
    }
  }
}
