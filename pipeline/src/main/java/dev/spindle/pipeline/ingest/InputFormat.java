package dev.spindle.pipeline.ingest;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/** Input file formats, recognised by file name; anything else is a user error that names the file. */
public enum InputFormat {
  JSONL(".jsonl"),
  JSONL_GZIP(".jsonl.gz"),
  JSONL_ZSTD(".jsonl.zst"),
  PARQUET(".parquet");

  private final String suffix;

  InputFormat(String suffix) {
    this.suffix = suffix;
  }

  public String suffix() {
    return suffix;
  }

  public static Optional<InputFormat> of(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    for (InputFormat format : values()) {
      if (name.endsWith(format.suffix)) {
        return Optional.of(format);
      }
    }
    return Optional.empty();
  }

  public static String expected() {
    return ".jsonl, .jsonl.gz, .jsonl.zst or .parquet";
  }
}
