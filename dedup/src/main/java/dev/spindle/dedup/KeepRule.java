package dev.spindle.dedup;

import java.util.Comparator;

/**
 * Which document of a duplicate cluster survives: the one with the most UTF-8 bytes of original text (the most
 * complete copy), and among equally long ones the smallest id in {@link String#compareTo} order. Both keys are
 * properties of the document alone, so the choice never depends on partitioning or arrival order.
 *
 * <p>The Spark job applies the same rule as {@code min(struct(-bytes, id))}; {@link #ORDER} is its reference.
 */
public final class KeepRule {
  /** Preferred first: longer text, then smaller id. */
  public static final Comparator<Candidate> ORDER =
      Comparator.comparingLong(Candidate::bytes).reversed().thenComparing(Candidate::id);

  private KeepRule() {}

  /** A cluster member as the rule sees it. */
  public record Candidate(String id, long bytes) {
    public Candidate {
      if (id == null) {
        throw new IllegalArgumentException("Cannot rank a document without an id");
      }
    }
  }
}
