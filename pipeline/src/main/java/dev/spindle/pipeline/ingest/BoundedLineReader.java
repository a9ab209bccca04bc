package dev.spindle.pipeline.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads {@code \n}-terminated lines as bytes while holding at most {@code maxBytes} of any line in memory, so a
 * single 50 MB line cannot exhaust an executor: the rest of an oversized line is skipped and only its length
 * is kept. A trailing {@code \r} is removed, and a UTF-8 byte-order mark at the very start is skipped (it is
 * an encoding signature, not text).
 */
final class BoundedLineReader {
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  /** One line: its first bytes (all of them unless {@code truncated}) and its full length. */
  record Line(long number, byte[] bytes, int kept, long length) {
    boolean truncated() {
      return length > kept;
    }
  }

  private final InputStream in;
  private final int maxBytes;
  private final byte[] buffer = new byte[1 << 16];
  private int position;
  private int limit;
  private long consumed;
  private long lineNumber;
  private boolean started;
  private byte[] line = new byte[1024];

  BoundedLineReader(InputStream in, int maxBytes) {
    this.in = in;
    this.maxBytes = maxBytes;
  }

  /** Bytes of the (decompressed) input consumed so far: the offset where the next line starts. */
  long offset() {
    return consumed - (limit - position);
  }

  /** The next line, or null at end of input. */
  Line next() throws IOException {
    if (!started) {
      started = true;
      skipByteOrderMark();
    }
    int kept = 0;
    long length = 0;
    boolean sawAny = false;
    while (true) {
      if (position == limit) {
        if (fill() <= 0) {
          if (!sawAny) {
            return null;
          }
          break;
        }
      }
      sawAny = true;
      int start = position;
      while (position < limit && buffer[position] != '\n') {
        position++;
      }
      int count = position - start;
      int room = Math.max(0, Math.min(count, maxBytes - kept));
      if (room > 0) {
        ensure(kept + room);
        System.arraycopy(buffer, start, line, kept, room);
        kept += room;
      }
      length += count;
      if (position < limit) {
        position++; // consume '\n'
        break;
      }
    }
    if (kept > 0 && kept == length && line[kept - 1] == '\r') {
      kept--;
      length--;
    }
    lineNumber++;
    return new Line(lineNumber, line, kept, length);
  }

  private void skipByteOrderMark() throws IOException {
    while (limit - position < BOM.length) {
      // Decompressing streams may return fewer bytes than asked: gather the first three.
      if (position > 0) {
        System.arraycopy(buffer, position, buffer, 0, limit - position);
        limit -= position;
        position = 0;
      }
      int n = in.read(buffer, limit, buffer.length - limit);
      if (n <= 0) {
        break;
      }
      limit += n;
      consumed += n;
    }
    if (limit - position >= BOM.length && Arrays.equals(buffer, position, position + BOM.length, BOM, 0, BOM.length)) {
      position += BOM.length;
    }
  }

  private int fill() throws IOException {
    int n = in.read(buffer, 0, buffer.length);
    position = 0;
    limit = Math.max(n, 0);
    consumed += limit;
    return n;
  }

  private void ensure(int size) {
    if (size > line.length) {
      line = Arrays.copyOf(line, Math.max(size, Math.min(maxBytes, line.length * 2)));
    }
  }
}
