package dev.spindle.dedup.quality;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;

/** A document of the docs schema, for building test and benchmark inputs. */
public record Document(String id, String source, String text) {
  public Document {
    requireNonNull(id, "id is null");
    requireNonNull(source, "source is null");
    requireNonNull(text, "text is null");
  }

  public long bytes() {
    return text.getBytes(StandardCharsets.UTF_8).length;
  }
}
