package dev.spindle.mixing;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A document cut at a boundary so that shares come out exact: its tokens before {@code offset} were placed in
 * {@code phase}, filling a source's tokens in that phase, the budget, or the source's max-epochs cap exactly.
 * Its tokens from {@code offset} on are the source's next piece: placed in a later phase when the source is drawn
 * again ({@code remainderPlaced}), otherwise left out of the mix.
 *
 * @param source the document's source
 * @param id the document's id
 * @param epoch the pass over the source
 * @param offset first token not placed with the piece before the cut (0-based, in document tokens)
 * @param phase the phase that took the tokens before the cut
 * @param remainderPlaced true when the tokens from {@code offset} on were placed later in the mix
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Cut(String source, String id, int epoch, int offset, String phase, boolean remainderPlaced) {
  public Cut {
    requireNonNull(source, "source is null");
    requireNonNull(id, "id is null");
    requireNonNull(phase, "phase is null");
    if (offset < 1) {
      throw new IllegalArgumentException("Cannot record cut of '" + id + "': offset must be >= 1 (got " + offset + ")");
    }
  }
}
