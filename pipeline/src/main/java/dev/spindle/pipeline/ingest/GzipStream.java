package dev.spindle.pipeline.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decompresses a gzip file (RFC 1952, any number of members) and fails on everything {@link
 * java.util.zip.GZIPInputStream} lets pass or reports without a position: bytes after the last member that are not
 * another member (the JDK stops silently there), a stream cut short, corrupt deflate data, a checksum or length
 * mismatch. Every failure is a {@link CorruptFileException} with the byte of the file where it was found. Note
 * that a member's checksum is checked at its end, so data before a corruption inside a member has already been
 * returned.
 */
final class GzipStream extends InputStream {
  private static final int FHCRC = 2;
  private static final int FEXTRA = 4;
  private static final int FNAME = 8;
  private static final int FCOMMENT = 16;
  private static final int RESERVED = 0xe0;

  private final InputStream in;
  private final byte[] buffer = new byte[1 << 16];
  private final Inflater inflater = new Inflater(true);
  private final CRC32 crc = new CRC32();
  /** File offset of {@code buffer[0]}. */
  private long bufferStart;
  private int position;
  private int limit;
  private boolean inMember;
  private boolean finished;
  private int members;

  GzipStream(InputStream in) {
    this.in = in;
  }

  /** Bytes of the file consumed so far. */
  long offset() {
    return bufferStart + position;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] out, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (true) {
      if (!inMember) {
        if (finished || !readHeader()) {
          finished = true;
          return -1;
        }
      }
      if (inflater.needsInput()) {
        if (position == limit && fill() <= 0) {
          throw corrupt("truncated gzip stream: the file ends inside compressed data");
        }
        inflater.setInput(buffer, position, limit - position);
      }
      int n;
      try {
        n = inflater.inflate(out, off, len);
      } catch (DataFormatException e) {
        position = limit - inflater.getRemaining(); // where zlib stopped: the corruption is at or before it
        throw corrupt("corrupt gzip data (" + e.getMessage() + ")");
      }
      position = limit - inflater.getRemaining();
      if (n > 0) {
        crc.update(out, off, n);
        return n;
      }
      if (inflater.finished()) {
        readTrailer();
        inMember = false;
      } else if (inflater.needsDictionary()) {
        throw corrupt("corrupt gzip data (asks for a preset dictionary)");
      }
    }
  }

  /** Starts the next member; false at a clean end of file after at least one member. */
  private boolean readHeader() throws IOException {
    long start = offset();
    int id1 = readByte();
    if (id1 < 0) {
      if (members == 0) {
        throw new CorruptFileException("empty gzip file: no gzip header", start);
      }
      return false;
    }
    int id2 = readByte();
    if (id1 != 0x1f || id2 != 0x8b) {
      throw new CorruptFileException(members == 0 ? "not in gzip format (no gzip header)"
          : "unexpected bytes after the end of the gzip stream (not another gzip member)", start);
    }
    int method = required("a gzip header");
    if (method != 8) {
      throw new CorruptFileException("unsupported gzip compression method " + method, start);
    }
    int flags = required("a gzip header");
    if ((flags & RESERVED) != 0) {
      throw new CorruptFileException("corrupt gzip header (reserved flags set)", start);
    }
    skip(6, "a gzip header"); // modification time, extra flags, operating system
    if ((flags & FEXTRA) != 0) {
      int length = required("a gzip header") | required("a gzip header") << 8;
      skip(length, "a gzip header");
    }
    if ((flags & FNAME) != 0) {
      while (required("a gzip header") != 0) {
        // file name, zero-terminated
      }
    }
    if ((flags & FCOMMENT) != 0) {
      while (required("a gzip header") != 0) {
        // comment, zero-terminated
      }
    }
    if ((flags & FHCRC) != 0) {
      skip(2, "a gzip header");
    }
    inflater.reset();
    crc.reset();
    inMember = true;
    members++;
    return true;
  }

  private void readTrailer() throws IOException {
    long expectedCrc = readInt("the gzip trailer");
    long expectedSize = readInt("the gzip trailer");
    if (expectedCrc != crc.getValue()) {
      throw corrupt("gzip checksum mismatch: the compressed data is corrupt");
    }
    if (expectedSize != (inflater.getBytesWritten() & 0xffffffffL)) {
      throw corrupt("gzip length mismatch: the compressed data is corrupt");
    }
  }

  private long readInt(String what) throws IOException {
    long value = 0;
    for (int i = 0; i < 4; i++) {
      value |= (long) required(what) << (8 * i);
    }
    return value;
  }

  private void skip(int count, String what) throws IOException {
    for (int i = 0; i < count; i++) {
      required(what);
    }
  }

  private int required(String what) throws IOException {
    int b = readByte();
    if (b < 0) {
      throw corrupt("truncated gzip stream: the file ends inside " + what);
    }
    return b;
  }

  private int readByte() throws IOException {
    if (position == limit && fill() <= 0) {
      return -1;
    }
    return buffer[position++] & 0xff;
  }

  private int fill() throws IOException {
    bufferStart += limit;
    position = 0;
    int n = in.read(buffer, 0, buffer.length);
    limit = Math.max(n, 0);
    return n;
  }

  private CorruptFileException corrupt(String reason) {
    return new CorruptFileException(reason, offset());
  }

  @Override
  public void close() throws IOException {
    inflater.end();
    in.close();
  }
}
