package dev.spindle.mixing;

import static java.util.Objects.requireNonNull;

/**
 * One output row of the mix: which piece of which document goes to global position {@code position}, from which
 * pass over its source and in which phase. The piece is the document's tokens {@code [offset, offset + tokens)}:
 * the whole document ({@code offset} 0, all its tokens) unless a phase or budget boundary cut it (see
 * {@link Cut}). A document repeated over several epochs has one placement per epoch.
 */
public record Placement(String source, String id, int epoch, String phase, long position, int offset, int tokens) {
  public Placement {
    requireNonNull(source, "source is null");
    requireNonNull(id, "id is null");
    requireNonNull(phase, "phase is null");
    if (epoch < 0 || position < 0 || offset < 0 || tokens <= 0) {
      throw new IllegalArgumentException(
          "Cannot place document '" + id + "': epoch, position and offset must be >= 0 and tokens > 0 (got epoch "
              + epoch + ", position " + position + ", offset " + offset + ", tokens " + tokens + ")");
    }
  }
}
