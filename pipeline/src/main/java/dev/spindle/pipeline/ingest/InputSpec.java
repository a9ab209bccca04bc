package dev.spindle.pipeline.ingest;

import static java.util.Objects.requireNonNull;

import dev.spindle.pipeline.SpindleException;
import java.nio.file.Path;

/**
 * One named input: a source (domain, the key that mixing weights refer to) and a file or directory.
 *
 * @param source domain name, letters/digits/{@code -_.} only, since it becomes part of ids and report keys
 * @param path a {@code .jsonl}, {@code .jsonl.gz}, {@code .jsonl.zst} or {@code .parquet} file, or a directory of them
 */
public record InputSpec(String source, Path path) {
  public InputSpec {
    requireNonNull(source, "source is null");
    requireNonNull(path, "path is null");
    if (!source.matches("[A-Za-z0-9_.-]+")) {
      throw SpindleException.user(
          "Invalid source name '%s': use letters, digits, '-', '_' or '.' (e.g. web=data/web.jsonl.gz)", source);
    }
  }

  /** True when {@code text} has the {@code SOURCE=PATH} form (a raw input) rather than naming a directory. */
  public static boolean looksLike(String text) {
    int eq = text.indexOf('=');
    return eq > 0 && text.substring(0, eq).matches("[A-Za-z0-9_.-]+") && !java.nio.file.Files.exists(Path.of(text));
  }

  /** Parses {@code SOURCE=PATH} as given on the command line. */
  public static InputSpec parse(String text) {
    int eq = text.indexOf('=');
    if (eq <= 0 || eq == text.length() - 1) {
      throw SpindleException.user(
          "Invalid --input '%s': expected SOURCE=PATH, e.g. --input web=data/web.jsonl.gz", text);
    }
    return new InputSpec(text.substring(0, eq), Path.of(text.substring(eq + 1)));
  }
}
