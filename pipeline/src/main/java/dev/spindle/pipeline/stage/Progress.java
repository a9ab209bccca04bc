package dev.spindle.pipeline.stage;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/** One-line progress messages for people watching a run; quiet mode drops them. */
public final class Progress {
  private final PrintStream out;
  private final boolean quiet;
  private final long started = System.nanoTime();

  public Progress(PrintStream out, boolean quiet) {
    this.out = out;
    this.quiet = quiet;
    if (quiet) {
      // Trainer tasks report their own progress lines; in a local run they share this JVM.
      System.setProperty("spindle.quiet", "true");
    }
  }

  public static Progress quiet() {
    return new Progress(System.out, true);
  }

  public void line(String format, Object... args) {
    if (!quiet) {
      out.printf(Locale.ROOT, "[spindle %s] %s%n", elapsed(), String.format(Locale.ROOT, format, args));
      out.flush();
    }
  }

  /** A counter line with an ETA, e.g. for training steps. */
  public void counter(String what, long done, long total, long startNanos) {
    if (quiet || total <= 0) {
      return;
    }
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    double eta = done == 0 ? Double.NaN : seconds / done * (total - done);
    line("%s %d/%d (%.0f%%) eta %s", what, done, total, 100.0 * done / total, format(eta));
  }

  private String elapsed() {
    return format((System.nanoTime() - started) / 1e9);
  }

  private static String format(double seconds) {
    if (Double.isNaN(seconds)) {
      return "?";
    }
    Duration d = Duration.ofMillis((long) (seconds * 1000));
    return String.format(Locale.ROOT, "%d:%02d", d.toMinutes(), d.toSecondsPart());
  }
}
