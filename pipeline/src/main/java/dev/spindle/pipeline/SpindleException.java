package dev.spindle.pipeline;

import java.util.Locale;
import java.util.Objects;

/**
 * The one exception type the application reports to users. The {@link Kind} decides the exit code and whether a
 * stack trace is worth showing: user errors (bad flags, bad input, bad config) print one line. Code in this module
 * throws it where the problem is detected, Spark tasks included ({@code Main} finds it inside a
 * {@code SparkException}); the pure-logic modules (dedup, mixing, trainer) signal bad arguments with
 * {@link IllegalArgumentException}, which the stage boundary ({@code StageRunner}) translates into a user error.
 */
public final class SpindleException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Who has to act: the user (fix input or config), the environment (disk, network, GPU), or us (a bug). */
  public enum Kind {
    USER(2),
    EXTERNAL(3),
    INTERNAL(70);

    private final int exitCode;

    Kind(int exitCode) {
      this.exitCode = exitCode;
    }

    public int exitCode() {
      return exitCode;
    }
  }

  private final Kind kind;

  public SpindleException(Kind kind, String message) {
    super(message);
    this.kind = Objects.requireNonNull(kind, "kind is null");
  }

  public SpindleException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind is null");
  }

  /** A user error; {@code message} is a format only when arguments are given (file names may hold '%'). */
  public static SpindleException user(String message, Object... args) {
    return new SpindleException(Kind.USER, format(message, args));
  }

  /** A user error found while handling {@code cause} (kept for {@code SPINDLE_DEBUG=1}). */
  public static SpindleException user(Throwable cause, String message, Object... args) {
    return new SpindleException(Kind.USER, format(message, args), cause);
  }

  public static SpindleException external(String message, Throwable cause) {
    return new SpindleException(Kind.EXTERNAL, message, cause);
  }

  public static SpindleException internal(String message, Object... args) {
    return new SpindleException(Kind.INTERNAL, format(message, args));
  }

  public Kind kind() {
    return kind;
  }

  /** Spark prints a failed task's exception by {@code toString}; the kind tells its log filter what to drop. */
  @Override
  public String toString() {
    return getClass().getName() + "(" + kind.name().toLowerCase(Locale.ROOT) + "): " + getMessage();
  }

  private static String format(String message, Object... args) {
    return args.length == 0 ? message : String.format(Locale.ROOT, message, args);
  }
}
