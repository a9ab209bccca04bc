package dev.spindle.trainer.dl4j;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * SameDiff 1.0.0-M2.1 prints one "Added differentiated op" line per op to standard output while it builds a
 * gradient graph (hundreds per engine), drowning the progress display. This drops exactly those lines while the
 * gradient function is built; every other line written meanwhile (by any thread) passes through unchanged.
 */
final class SameDiffChatter {
  private static final String NOISE = "Added differentiated op";

  private SameDiffChatter() {}

  static synchronized void quietly(Runnable action) {
    PrintStream original = System.out;
    System.setOut(new PrintStream(new LineFilter(original), true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.out.flush();
      System.setOut(original);
    }
  }

  /** Buffers one line at a time and forwards it unless it is SameDiff's chatter. */
  private static final class LineFilter extends OutputStream {
    private final PrintStream target;
    private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

    LineFilter(PrintStream target) {
      this.target = target;
    }

    @Override
    public synchronized void write(int b) {
      line.write(b);
      if (b == '\n') {
        String text = line.toString(StandardCharsets.UTF_8);
        if (!text.startsWith(NOISE)) {
          target.print(text);
        }
        line.reset();
      }
    }

    @Override
    public synchronized void flush() {
      if (line.size() > 0 && !line.toString(StandardCharsets.UTF_8).startsWith(NOISE)) {
        target.print(line.toString(StandardCharsets.UTF_8));
        line.reset();
      }
      target.flush();
    }
  }
}
