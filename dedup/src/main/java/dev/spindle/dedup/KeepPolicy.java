package dev.spindle.dedup;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which document of a duplicate cluster survives ({@code dedup.keep}). The same rule picks the representative of
 * every exact-duplicate group and the keeper of every near-duplicate cluster, and it only looks at properties of
 * the documents themselves, so the choice never depends on partitioning or arrival order.
 *
 * <ul>
 *   <li>{@code first}: the smallest id (String order), i.e. the first document in id order;
 *   <li>{@code longest} (default): the most UTF-8 bytes of original text, the most complete copy;
 *   <li>{@code score:<column>}: the highest value of a numeric column of the documents (e.g. a quality score);
 *       documents without a value rank last;
 *   <li>{@code source-priority:<a,b,c>}: the first source in the list; sources not listed rank after all listed.
 * </ul>
 *
 * Ties are always broken the same way: more bytes, then the smallest id ({@code first} has no ties). When
 * deduplicating against earlier runs, documents those runs kept always win over new ones, whatever the policy.
 *
 * @param kind the rule
 * @param column for {@code score}: the numeric column, otherwise empty
 * @param sources for {@code source-priority}: the sources, most preferred first, otherwise empty
 */
public record KeepPolicy(Kind kind, String column, List<String> sources) implements Serializable {
  /** The rules {@code dedup.keep} can name. */
  public enum Kind { FIRST, LONGEST, SCORE, SOURCE_PRIORITY }

  public KeepPolicy {
    requireNonNull(kind, "kind is null");
    requireNonNull(column, "column is null");
    sources = List.copyOf(requireNonNull(sources, "sources is null"));
    if ((kind == Kind.SCORE) == column.isEmpty()) {
      throw new IllegalArgumentException("Cannot use keep policy " + kind + ": a column goes with score only (got '"
          + column + "')");
    }
    if ((kind == Kind.SOURCE_PRIORITY) == sources.isEmpty()) {
      throw new IllegalArgumentException("Cannot use keep policy " + kind + ": a source list goes with "
          + "source-priority only (got " + sources + ")");
    }
  }

  /** Parses {@code first}, {@code longest}, {@code score:<column>} or {@code source-priority:<a,b,c>}. */
  @JsonCreator
  public static KeepPolicy parse(String text) {
    requireNonNull(text, "text is null");
    String value = text.strip();
    int colon = value.indexOf(':');
    String name = (colon < 0 ? value : value.substring(0, colon)).strip().toLowerCase(Locale.ROOT);
    String argument = colon < 0 ? "" : value.substring(colon + 1).strip();
    switch (name) {
      case "first", "longest" -> {
        if (colon >= 0) {
          throw invalid(text, name + " takes no argument");
        }
        return new KeepPolicy(name.equals("first") ? Kind.FIRST : Kind.LONGEST, "", List.of());
      }
      case "score" -> {
        if (argument.isEmpty()) {
          throw invalid(text, "score needs a column, e.g. score:quality");
        }
        return new KeepPolicy(Kind.SCORE, argument, List.of());
      }
      case "source-priority" -> {
        List<String> sources = new ArrayList<>();
        for (String source : argument.split(",")) {
          if (source.isBlank()) {
            throw invalid(text, "source-priority needs a comma-separated list of sources, e.g. source-priority:books,web");
          }
          if (sources.contains(source.strip())) {
            throw invalid(text, "source '" + source.strip() + "' is listed twice");
          }
          sources.add(source.strip());
        }
        return new KeepPolicy(Kind.SOURCE_PRIORITY, "", sources);
      }
      default -> throw invalid(text, "unknown policy '" + name + "'");
    }
  }

  /** The spelling {@link #parse} reads; also how reports show the policy. */
  @JsonValue
  @Override
  public String toString() {
    return switch (kind) {
      case FIRST -> "first";
      case LONGEST -> "longest";
      case SCORE -> "score:" + column;
      case SOURCE_PRIORITY -> "source-priority:" + String.join(",", sources);
    };
  }

  private static IllegalArgumentException invalid(String text, String reason) {
    return new IllegalArgumentException("Cannot use dedup.keep '" + text + "': " + reason
        + " (expected first, longest, score:<column> or source-priority:<a,b,c>)");
  }
}
