package dev.spindle.mixing;

import static java.util.Objects.requireNonNull;

/**
 * What the planner needs to know about one tokenized document. Planning runs on the driver from these alone,
 * so the token arrays never leave the executors.
 *
 * @param source the document's source
 * @param id the document's id, unique within its source
 * @param tokens its token count ({@code n_tokens}), at least 0
 */
public record DocumentMeta(String source, String id, int tokens) {
  public DocumentMeta {
    requireNonNull(source, "source is null");
    requireNonNull(id, "id is null");
    if (tokens < 0) {
      throw new IllegalArgumentException(
          "Cannot plan document '" + id + "' of source '" + source + "': n_tokens must be >= 0 (got " + tokens + ")");
    }
  }
}
