package dev.spindle.pipeline;

/**
 * The one exception type the application reports to users. The {@link Kind} decides the exit code and
 * whether a stack trace is worth showing: user errors (bad flags, bad input, bad config) print one line.
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
    this.kind = java.util.Objects.requireNonNull(kind, "kind is null");
  }

  public SpindleException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = java.util.Objects.requireNonNull(kind, "kind is null");
  }

  public static SpindleException user(String format, Object... args) {
    return new SpindleException(Kind.USER, String.format(java.util.Locale.ROOT, format, args));
  }

  public static SpindleException external(String message, Throwable cause) {
    return new SpindleException(Kind.EXTERNAL, message, cause);
  }

  public Kind kind() {
    return kind;
  }
}
