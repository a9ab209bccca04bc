package dev.spindle.trainer.collective;

import static java.util.Objects.requireNonNull;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Ring all-reduce between processes over TCP (the bandwidth-optimal scheme of Baidu's ring all-reduce and
 * NCCL): the vector is cut into {@code size} chunks; {@code size - 1} reduce-scatter steps pass partial sums
 * to the right neighbour until each member owns one fully reduced chunk, which it scales to the mean; then
 * {@code size - 1} all-gather steps pass the finished chunks around. Every element is reduced once, by one
 * member, and copied verbatim to the others, so all members end with bit-identical vectors.
 *
 * <p>Sends run on a helper thread while the member receives, so large chunks cannot deadlock on full socket
 * buffers. Reads and sends time out; the error names the silent peer and its address.
 */
public final class TcpRingCollective implements Collective {
  private final int rank;
  private final int size;
  private final List<String> addresses;
  private final Duration timeout;
  private final TcpRingListener listener;
  private Socket toRight;
  private Socket fromLeft;
  private DataOutputStream out;
  private DataInputStream in;
  private ExecutorService sender;
  private byte[] sendBytes = new byte[0];
  private byte[] receiveBytes = new byte[0];
  private int operation;

  private TcpRingCollective(int rank, List<String> addresses, Duration timeout, TcpRingListener listener) {
    this.rank = rank;
    this.size = addresses.size();
    this.addresses = List.copyOf(addresses);
    this.timeout = requireNonNull(timeout, "timeout is null");
    this.listener = listener;
  }

  /**
   * Connects member {@code rank} to its neighbours. All members call this with the same address list (index =
   * rank), e.g. gathered with Spark's {@code BarrierTaskContext.allGather}.
   *
   * @param timeout how long to wait for a connection, and for data from the left neighbour on every step
   */
  public static TcpRingCollective join(TcpRingListener listener, int rank, List<String> addresses, Duration timeout) {
    if (rank < 0 || rank >= addresses.size()) {
      throw new IllegalArgumentException("Invalid ring rank " + rank + " for " + addresses.size() + " members");
    }
    TcpRingCollective ring = new TcpRingCollective(rank, addresses, timeout, listener);
    if (ring.size > 1) {
      try {
        ring.connect();
      } catch (RuntimeException e) {
        ring.close();
        throw e;
      }
    }
    return ring;
  }

  private int right() {
    return (rank + 1) % size;
  }

  private int left() {
    return (rank - 1 + size) % size;
  }

  private String describe(int peer) {
    return "rank " + peer + " (" + addresses.get(peer) + ")";
  }

  private void connect() {
    long deadline = System.nanoTime() + timeout.toNanos();
    String target = addresses.get(right());
    int colon = target.lastIndexOf(':');
    InetSocketAddress address =
        new InetSocketAddress(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)));
    while (true) {
      Socket socket = new Socket();
      try {
        socket.setTcpNoDelay(true);
        socket.connect(address, (int) Math.max(1, remainingMillis(deadline)));
        toRight = socket;
        break;
      } catch (ConnectException e) {
        closeQuietly(socket);
        if (remainingMillis(deadline) <= 0) {
          throw new IllegalStateException("Cannot connect ring member " + rank + " to " + describe(right())
              + " within " + timeout.toSeconds() + " s: " + e.getMessage() + " (is that trainer running?)", e);
        }
        sleep(50);
      } catch (IOException e) {
        closeQuietly(socket);
        throw new IllegalStateException(
            "Cannot connect ring member " + rank + " to " + describe(right()) + ": " + e.getMessage(), e);
      }
    }
    try {
      out = new DataOutputStream(new BufferedOutputStream(toRight.getOutputStream(), 1 << 16));
      out.writeInt(rank);
      out.writeInt(size);
      out.flush();
      listener.server().setSoTimeout((int) Math.max(1, remainingMillis(deadline)));
      fromLeft = listener.server().accept();
      fromLeft.setTcpNoDelay(true);
      fromLeft.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
      in = new DataInputStream(new BufferedInputStream(fromLeft.getInputStream(), 1 << 16));
      int peer = in.readInt();
      int peerSize = in.readInt();
      if (peer != left() || peerSize != size) {
        throw new IllegalStateException("Cannot form ring at rank " + rank + ": expected rank " + left() + " of "
            + size + " to connect, got rank " + peer + " of " + peerSize + " (two runs sharing an address?)");
      }
    } catch (SocketTimeoutException e) {
      throw new IllegalStateException("Cannot form ring at rank " + rank + ": " + describe(left())
          + " did not connect within " + timeout.toSeconds() + " s (is that trainer running?)", e);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot form ring at rank " + rank + " with " + describe(left()) + ": "
          + e.getMessage(), e);
    }
    sender = Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, "ring-send-" + rank);
      thread.setDaemon(true);
      return thread;
    });
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
  public void allReduceMean(FloatBuffer buffer) {
    if (size == 1) {
      return;
    }
    operation++;
    int base = buffer.position();
    int length = buffer.remaining();
    ensureCapacity(length / size + 1);
    for (int s = 0; s < size - 1; s++) {
      int send = Math.floorMod(rank - s, size);
      int receive = Math.floorMod(rank - s - 1, size);
      exchange(buffer, base, length, send, receive, true);
    }
    int owned = Math.floorMod(rank + 1, size);
    float inverse = 1f / size;
    for (int i = chunkStart(owned, length), end = chunkStart(owned + 1, length); i < end; i++) {
      buffer.put(base + i, buffer.get(base + i) * inverse);
    }
    for (int s = 0; s < size - 1; s++) {
      int send = Math.floorMod(rank + 1 - s, size);
      int receive = Math.floorMod(rank - s, size);
      exchange(buffer, base, length, send, receive, false);
    }
  }

  private int chunkStart(int chunk, int length) {
    return (int) ((long) chunk * length / size);
  }

  /** Sends chunk {@code send} right while receiving chunk {@code receive} from the left (adding or copying). */
  private void exchange(FloatBuffer buffer, int base, int length, int send, int receive, boolean add) {
    int sendFrom = chunkStart(send, length);
    int sendCount = chunkStart(send + 1, length) - sendFrom;
    FloatBuffer sendView = ByteBuffer.wrap(sendBytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    for (int i = 0; i < sendCount; i++) {
      sendView.put(i, buffer.get(base + sendFrom + i));
    }
    int tag = operation;
    Future<?> sending = sender.submit(() -> {
      out.writeInt(tag);
      out.writeInt(sendCount);
      out.write(sendBytes, 0, sendCount * Float.BYTES);
      out.flush();
      return null;
    });
    int receiveFrom = chunkStart(receive, length);
    int receiveCount = chunkStart(receive + 1, length) - receiveFrom;
    try {
      int peerTag = in.readInt();
      int count = in.readInt();
      if (peerTag != tag || count != receiveCount) {
        throw new IllegalStateException("Cannot all-reduce at rank " + rank + ": " + describe(left())
            + " is out of step (operation " + peerTag + " with " + count + " floats, expected operation " + tag
            + " with " + receiveCount + "; do all trainers call the collective in the same order?)");
      }
      in.readFully(receiveBytes, 0, count * Float.BYTES);
    } catch (SocketTimeoutException e) {
      throw new IllegalStateException("Cannot all-reduce at rank " + rank + ": no data from " + describe(left())
          + " for " + timeout.toSeconds() + " s (that trainer is lost or stalled)", e);
    } catch (EOFException e) {
      throw new IllegalStateException(
          "Cannot all-reduce at rank " + rank + ": " + describe(left()) + " closed the connection (it failed)", e);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot all-reduce at rank " + rank + ": lost connection to "
          + describe(left()) + ": " + e.getMessage(), e);
    }
    FloatBuffer receiveView = ByteBuffer.wrap(receiveBytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    for (int i = 0; i < receiveCount; i++) {
      int index = base + receiveFrom + i;
      buffer.put(index, add ? buffer.get(index) + receiveView.get(i) : receiveView.get(i));
    }
    try {
      sending.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("Cannot all-reduce at rank " + rank + ": " + describe(right())
          + " did not take data for " + timeout.toSeconds() + " s (that trainer is lost or stalled)", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("Cannot all-reduce at rank " + rank + ": sending to " + describe(right())
          + " failed: " + e.getCause().getMessage() + " (that trainer is lost)", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted during all-reduce", e);
    }
  }

  private void ensureCapacity(int floats) {
    int bytes = (floats + 1) * Float.BYTES;
    if (sendBytes.length < bytes) {
      sendBytes = new byte[bytes];
      receiveBytes = new byte[bytes];
    }
  }

  @Override
  public void barrier() {
    allReduceMean(FloatBuffer.wrap(new float[] {0f}));
  }

  @Override
  public void close() {
    if (sender != null) {
      sender.shutdownNow();
    }
    closeQuietly(toRight);
    closeQuietly(fromLeft);
    if (listener != null) {
      listener.close();
    }
  }

  private static long remainingMillis(long deadline) {
    return (deadline - System.nanoTime()) / 1_000_000;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while connecting the ring", e);
    }
  }

  private static void closeQuietly(Socket socket) {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        // Already broken; nothing to release.
      }
    }
  }
}
