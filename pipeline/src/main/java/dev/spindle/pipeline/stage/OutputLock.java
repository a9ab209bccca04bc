package dev.spindle.pipeline.stage;

import dev.spindle.pipeline.SpindleException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps two commands from writing the same output at once: an exclusive OS lock on the hidden file
 * {@code .<name>.lock} beside the output, which names its owner ({@code pid}, {@code host}, start time). The OS
 * drops the lock when its process dies, however it dies, so a lock file that still names an owner but can be
 * locked is stale: the next command takes it over and says so. The file is emptied on release but not deleted
 * (deleting it would let a waiting process lock an unlinked file while a third creates a new one).
 *
 * <p>Within one JVM the OS cannot tell two holders apart (and closing any handle on the file would drop the
 * lock), so locks held by this JVM are also kept in a set and checked first.
 */
public final class OutputLock implements AutoCloseable {
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

  private final Path key;
  private final FileChannel channel;
  private final FileLock lock;

  private OutputLock(Path key, FileChannel channel, FileLock lock) {
    this.key = key;
    this.channel = channel;
    this.lock = lock;
  }

  /** The lock file of an output directory. */
  public static Path lockFile(Path output) {
    Path absolute = output.toAbsolutePath().normalize();
    return absolute.resolveSibling("." + absolute.getFileName() + ".lock");
  }

  static boolean isLockFile(Path path) {
    String name = path.getFileName().toString();
    return name.startsWith(".") && name.endsWith(".lock");
  }

  /** Locks {@code output} for this process or fails with a user error naming the owner. */
  public static OutputLock acquire(Path output, Progress progress) {
    Path file = lockFile(output);
    Path key = Ownership.canonical(file);
    if (!HELD.add(key)) {
      throw SpindleException.user("Cannot write to %s: another command in this process is writing it (lock %s)",
          output, file);
    }
    FileChannel channel = null;
    try {
      Files.createDirectories(file.getParent());
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        String owner = read(channel);
        throw SpindleException.user("Cannot write to %s: another Spindle command is writing it (%s; lock file %s); "
            + "wait for it to finish", output, owner.isEmpty() ? "it is starting" : owner, file);
      }
      String previous = read(channel);
      if (!previous.isEmpty()) {
        progress.line("lock: %s was left by %s, which no longer runs; taken over", file, previous);
      }
      byte[] owner = (describeSelf() + "\n").getBytes(StandardCharsets.UTF_8);
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(owner), 0);
      channel.force(true);
      return new OutputLock(key, channel, lock);
    } catch (IOException e) {
      release(key, channel);
      throw SpindleException.external("Cannot lock " + file + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      release(key, channel);
      throw e;
    }
  }

  /** Empties the lock file and releases it. */
  @Override
  public void close() {
    try {
      channel.truncate(0);
      lock.release();
    } catch (IOException e) {
      // The lock goes with the channel below either way.
    } finally {
      release(key, channel);
    }
  }

  private static void release(Path key, FileChannel channel) {
    try {
      if (channel != null) {
        channel.close();
      }
    } catch (IOException e) {
      // Nothing to do: closing releases the OS lock even when it reports an error.
    } finally {
      HELD.remove(key);
    }
  }

  private static String read(FileChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(channel.size(), 4096));
    channel.read(buffer, 0);
    return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).strip();
  }

  /** {@code pid=N host=H started=T}: what a second command prints about the owner. */
  static String describeSelf() {
    ProcessHandle self = ProcessHandle.current();
    String started = self.info().startInstant().map(Instant::toString).orElse("unknown");
    return "pid=" + self.pid() + " host=" + host() + " started=" + started;
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }
}
