package dev.spindle.trainer.cuda.runtime;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.nccl;
import org.bytedeco.cuda.nccl.ncclComm;
import org.bytedeco.cuda.nccl.ncclUniqueId;

/**
 * One NCCL communicator rank: created from a unique id that every rank received from rank 0, averaging float
 * vectors in place on a caller's stream, destroyed on {@link #close} (so a retried attempt starts clean). NCCL
 * refuses two ranks on one GPU; the status check turns that into a message saying so.
 *
 * <p>A collective whose peer is lost never completes on the GPU, and a stream synchronisation would then wait
 * forever (no Spark task kill reaches a thread inside the driver). {@link #await} therefore polls with a deadline
 * and aborts the communicator when a peer is lost, failed, or silent past the timeout.
 */
public final class NcclCommunicator implements AutoCloseable {
  public static final int UNIQUE_ID_BYTES = 128;

  private final ncclComm communicator = new ncclComm();
  private final String description;
  private boolean closed;

  /** Joins as {@code rank} of {@code size} on the GPU current on this thread; blocks until every rank joins. */
  public NcclCommunicator(int rank, int size, byte[] uniqueId) {
    if (size <= 0 || rank < 0 || rank >= size) {
      throw new IllegalArgumentException("Cannot join NCCL: rank " + rank + " is outside 0.." + (size - 1));
    }
    if (uniqueId == null || uniqueId.length != UNIQUE_ID_BYTES) {
      throw new IllegalArgumentException("Cannot join NCCL: the unique id must have " + UNIQUE_ID_BYTES + " bytes, got "
          + (uniqueId == null ? "null" : uniqueId.length));
    }
    this.description = "rank " + rank + " of " + size;
    ncclUniqueId id = new ncclUniqueId();
    for (int i = 0; i < UNIQUE_ID_BYTES; i++) {
      id.internal(i, uniqueId[i]);
    }
    CudaChecks.nccl(nccl.ncclCommInitRank(communicator, size, id, rank), "join NCCL as " + description);
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

  /** Replaces {@code count} floats at the device address with their mean over all ranks, ordered on the stream. */
  public void allReduceMean(long deviceAddress, long count, CudaStream stream) {
    if (closed) {
      throw new IllegalStateException("The NCCL communicator (" + description + ") is closed");
    }
    CudaChecks.nccl(
        nccl.ncclAllReduce(NativePointers.at(deviceAddress), NativePointers.at(deviceAddress), count, nccl.ncclFloat32,
            nccl.ncclAvg, communicator, stream.handle()),
        "all-reduce " + count + " floats as " + description);
  }

  /**
   * Waits until everything enqueued on {@code stream} (this communicator's operations included) has finished, at
   * most {@code timeout}; on an NCCL error or at the deadline the communicator is aborted and the wait fails.
   */
  public void await(CudaStream stream, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    int[] asyncError = new int[1];
    while (true) {
      int status = cudart.cudaStreamQuery(stream.handle());
      if (status == 0) {
        return;
      }
      if (status != cudart.cudaErrorNotReady) {
        abort();
        CudaChecks.runtime(status, "wait for NCCL (" + description + ")");
      }
      if (!closed) {
        CudaChecks.nccl(nccl.ncclCommGetAsyncError(communicator, asyncError), "query NCCL (" + description + ")");
      }
      boolean failed = asyncError[0] != nccl.ncclSuccess && asyncError[0] != nccl.ncclInProgress;
      if (failed || System.nanoTime() > deadline) {
        abort();
        throw new CudaException("Cannot finish an NCCL all-reduce as " + description + ": " + (failed
            ? "NCCL reported error " + asyncError[0] + " (" + nccl.ncclGetErrorString(asyncError[0]).getString() + ")"
            : "no progress within " + timeout.toSeconds() + " s")
            + " (a peer trainer is lost or failed; see its error)", failed ? asyncError[0] : -1);
      }
      LockSupport.parkNanos(20_000);
    }
  }

  /** Aborts outstanding operations and frees the communicator without waiting for peers (after a failure). */
  public void abort() {
    if (!closed) {
      closed = true;
      nccl.ncclCommAbort(communicator); // best effort: the error that brought us here is the one to report
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      CudaChecks.nccl(nccl.ncclCommDestroy(communicator), "destroy the NCCL communicator (" + description + ")");
    }
  }
}
