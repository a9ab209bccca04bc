package dev.spindle.trainer.cuda.collective;

import dev.spindle.trainer.collective.Collective;
import dev.spindle.trainer.cuda.kernels.KernelLibrary;
import dev.spindle.trainer.cuda.runtime.CudaStream;
import dev.spindle.trainer.cuda.runtime.DeviceMemory;
import dev.spindle.trainer.cuda.runtime.PinnedHostMemory;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Trainers in one JVM that share one GPU (NCCL refuses two ranks on a device): each member is driven by its own
 * thread; device vectors are averaged by one kernel launched by rank 0 that reads every member's buffer and
 * writes the mean back into all of them, so nothing crosses to the host. Host vectors are averaged in place,
 * each member reducing its slice. All members' device buffers must live on the same GPU.
 *
 * <p>A member that fails or is lost breaks the barrier: the others fail within {@link #timeoutSeconds} seconds
 * with an error naming the cause, never hang.
 */
public final class SharedDeviceCollective implements Collective, DeviceCollective {
  private final int rank;
  private final Group group;

  private SharedDeviceCollective(int rank, Group group) {
    this.rank = rank;
    this.group = group;
  }

  /** The {@code size} members of a new group, rank i at index i; hand one to each trainer thread. */
  public static List<SharedDeviceCollective> group(int size, long timeoutSeconds) {
    if (size <= 0 || timeoutSeconds <= 0) {
      throw new IllegalArgumentException(
          "Cannot create a shared-device collective of " + size + " members with timeout " + timeoutSeconds + " s");
    }
    Group group = new Group(size, timeoutSeconds);
    List<SharedDeviceCollective> members = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      members.add(new SharedDeviceCollective(i, group));
    }
    return List.copyOf(members);
  }

  public long timeoutSeconds() {
    return group.timeoutSeconds;
  }

  @Override
  public int rank() {
    return rank;
  }

  @Override
  public int size() {
    return group.size;
  }

  @Override
  public void allReduceMeanInPlace(long deviceAddress, long count, CudaStream stream, KernelLibrary kernels) {
    // The member's own pending work (e.g. its optimizer step) must finish before rank 0 reads its buffer.
    stream.synchronize();
    group.addresses[rank] = deviceAddress;
    group.counts[rank] = count;
    await("register device buffers");
    if (rank == 0) {
      try {
        group.averageOnDevice(stream, kernels);
      } catch (RuntimeException e) {
        group.barrier.reset();
        throw e;
      }
    }
    await("average device buffers");
  }

  @Override
  public void allReduceMean(FloatBuffer buffer) {
    group.hostBuffers[rank] = buffer;
    await("register host buffers");
    int length = buffer.remaining();
    for (int i = 0; i < group.size; i++) {
      if (group.hostBuffers[i].remaining() != length) {
        group.barrier.reset();
        throw new IllegalArgumentException("Cannot average: member " + i + " has " + group.hostBuffers[i].remaining()
            + " floats, member " + rank + " has " + length);
      }
    }
    int from = (int) ((long) length * rank / group.size);
    int to = (int) ((long) length * (rank + 1) / group.size);
    for (int j = from; j < to; j++) {
      double sum = 0;
      for (FloatBuffer member : group.hostBuffers) {
        sum += member.get(member.position() + j);
      }
      float mean = (float) (sum / group.size);
      for (FloatBuffer member : group.hostBuffers) {
        member.put(member.position() + j, mean);
      }
    }
    await("average host buffers");
  }

  @Override
  public void barrier() {
    await("barrier");
  }

  private void await(String what) {
    try {
      group.barrier.await(group.timeoutSeconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Cannot " + what + ": rank " + rank + " was interrupted", e);
    } catch (BrokenBarrierException e) {
      throw new IllegalStateException("Cannot " + what + ": another member of the shared-device group failed", e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("Cannot " + what + ": rank " + rank + " waited " + group.timeoutSeconds
          + " s for the other " + (group.size - 1) + " member(s) (one is lost or stuck)", e);
    }
  }

  /**
   * Leaves the group: members still waiting (this member failed and will not arrive) are released with an error at
   * once instead of after the timeout; when all finished normally nobody waits. Rank 0 frees the group's buffers.
   */
  @Override
  public void close() {
    if (group.barrier.getNumberWaiting() > 0) {
      group.barrier.reset();
    }
    if (rank == 0) {
      group.close();
    }
  }

  /** State shared by the members. */
  private static final class Group {
    final int size;
    final long timeoutSeconds;
    final CyclicBarrier barrier;
    final long[] addresses;
    final long[] counts;
    final FloatBuffer[] hostBuffers;
    private DeviceMemory pointerArray;
    private PinnedHostMemory hostPointerArray;

    Group(int size, long timeoutSeconds) {
      this.size = size;
      this.timeoutSeconds = timeoutSeconds;
      this.barrier = new CyclicBarrier(size);
      this.addresses = new long[size];
      this.counts = new long[size];
      this.hostBuffers = new FloatBuffer[size];
    }

    void averageOnDevice(CudaStream stream, KernelLibrary kernels) {
      for (int i = 1; i < size; i++) {
        if (counts[i] != counts[0]) {
          throw new IllegalArgumentException(
              "Cannot average: member " + i + " has " + counts[i] + " floats, member 0 has " + counts[0]);
        }
      }
      if (size == 1) {
        return;
      }
      if (pointerArray == null) {
        pointerArray = new DeviceMemory((long) size * Long.BYTES, "shared-device pointer array");
        hostPointerArray = new PinnedHostMemory((long) size * Long.BYTES, "shared-device pointer array");
      }
      hostPointerArray.buffer().asLongBuffer().put(addresses);
      stream.copy(pointerArray.address(), hostPointerArray.address(), (long) size * Long.BYTES);
      kernels.averaging().average(stream, pointerArray.address(), size, counts[0]);
      stream.synchronize();
    }

    void close() {
      try (DeviceMemory device = pointerArray; PinnedHostMemory host = hostPointerArray) {
        pointerArray = null;
        hostPointerArray = null;
      }
    }
  }
}
