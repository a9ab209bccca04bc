package dev.spindle.trainer.cuda;

import dev.spindle.trainer.collective.Collective;
import java.nio.FloatBuffer;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.nccl;
import org.bytedeco.cuda.nccl.ncclComm;
import org.bytedeco.cuda.nccl.ncclUniqueId;

/**
 * NCCL all-reduce between GPU trainers, one rank per GPU (NCCL refuses two ranks on one device: use
 * {@link SharedDeviceCollective} there). The caller exchanges the unique id: rank 0 calls {@link #newUniqueId()}
 * and every rank passes the same bytes (the pipeline uses {@code BarrierTaskContext.allGather}). The CUDA engine
 * averages its device buffers in place on its own stream ({@code ncclAvg}); host vectors go through a device
 * scratch buffer.
 */
public final class NcclCollective implements Collective, DeviceCollective {
  public static final int UNIQUE_ID_BYTES = 128;

  private final int rank;
  private final int size;
  private final int device;
  private final ncclComm communicator = new ncclComm();
  private final CudaStream stream;
  private DeviceMemory scratch;
  private boolean closed;

  /** A rank on the GPU currently selected on this thread (the engine's, if it was created on this thread). */
  public NcclCollective(int rank, int size, byte[] uniqueId) {
    this(rank, size, uniqueId, currentDevice());
  }

  public NcclCollective(int rank, int size, byte[] uniqueId, int device) {
    if (size <= 0 || rank < 0 || rank >= size) {
      throw new IllegalArgumentException("Cannot join NCCL: rank " + rank + " is outside 0.." + (size - 1));
    }
    if (uniqueId == null || uniqueId.length != UNIQUE_ID_BYTES) {
      throw new IllegalArgumentException("Cannot join NCCL: the unique id must have " + UNIQUE_ID_BYTES + " bytes, got "
          + (uniqueId == null ? "null" : uniqueId.length));
    }
    CudaDevice.open(device);
    this.rank = rank;
    this.size = size;
    this.device = device;
    this.stream = new CudaStream();
    ncclUniqueId id = new ncclUniqueId();
    for (int i = 0; i < UNIQUE_ID_BYTES; i++) {
      id.internal(i, uniqueId[i]);
    }
    CudaChecks.nccl(nccl.ncclCommInitRank(communicator, size, id, rank),
        "join NCCL as rank " + rank + " of " + size + " on GPU " + device);
  }

  /** Fresh id bytes for a new communicator (rank 0 makes it, every rank gets a copy). */
  public static byte[] newUniqueId() {
    if (!CudaAvailability.available()) {
      throw new IllegalStateException("Cannot create an NCCL id: " + CudaAvailability.reason());
    }
    ncclUniqueId id = new ncclUniqueId();
    CudaChecks.nccl(nccl.ncclGetUniqueId(id), "create an NCCL unique id");
    byte[] bytes = new byte[UNIQUE_ID_BYTES];
    for (int i = 0; i < UNIQUE_ID_BYTES; i++) {
      bytes[i] = id.internal(i);
    }
    return bytes;
  }

  private static int currentDevice() {
    if (!CudaAvailability.available()) {
      throw new IllegalStateException("Cannot join NCCL: " + CudaAvailability.reason());
    }
    int[] device = new int[1];
    CudaChecks.runtime(cudart.cudaGetDevice(device), "read the current GPU");
    return device[0];
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
  public void allReduceMeanInPlace(long deviceAddress, long count, CudaStream engineStream, Kernels kernels) {
    ensureOpen();
    CudaChecks.nccl(
        nccl.ncclAllReduce(NativePointers.at(deviceAddress), NativePointers.at(deviceAddress), count, nccl.ncclFloat32,
            nccl.ncclAvg, communicator, engineStream.handle()),
        "all-reduce " + count + " floats");
  }

  @Override
  public void allReduceMean(FloatBuffer buffer) {
    ensureOpen();
    CudaChecks.runtime(cudart.cudaSetDevice(device), "select GPU " + device);
    int count = buffer.remaining();
    if (count == 0) {
      return;
    }
    if (scratch == null || scratch.bytes() < (long) count * Float.BYTES) {
      if (scratch != null) {
        scratch.close();
      }
      scratch = DeviceMemory.floats(count, "NCCL host all-reduce scratch");
    }
    try (PinnedHostMemory staging = new PinnedHostMemory((long) count * Float.BYTES, "NCCL staging")) {
      FloatBuffer pinned = staging.buffer().asFloatBuffer();
      pinned.put(buffer.duplicate());
      stream.copy(scratch.address(), staging.address(), (long) count * Float.BYTES);
      allReduceMeanInPlace(scratch.address(), count, stream, null);
      stream.copy(staging.address(), scratch.address(), (long) count * Float.BYTES);
      stream.synchronize();
      buffer.duplicate().put(pinned.clear().limit(count));
    }
  }

  @Override
  public void barrier() {
    ensureOpen();
    CudaChecks.runtime(cudart.cudaSetDevice(device), "select GPU " + device);
    if (scratch == null) {
      scratch = DeviceMemory.floats(1, "NCCL barrier");
    }
    allReduceMeanInPlace(scratch.address(), 1, stream, null);
    stream.synchronize();
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("The NCCL collective is closed");
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      nccl.ncclCommDestroy(communicator);
      if (scratch != null) {
        scratch.close();
      }
      stream.close();
    }
  }
}
