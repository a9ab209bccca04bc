package dev.spindle.pipeline.decompose;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class SequenceOrderTest {
  @Test
  void sameIdentityGivesSameKeyAcrossCalls() {
    assertThat(SequenceOrder.key(42, "books/brown/ca01", 512))
        .isEqualTo(SequenceOrder.key(42, "books/brown/ca01", 512));
  }

  @Test
  void seedOffsetAndIdEachChangeTheKey() {
    long base = SequenceOrder.key(42, "a", 0);
    assertThat(SequenceOrder.key(43, "a", 0)).isNotEqualTo(base);
    assertThat(SequenceOrder.key(42, "a", 1)).isNotEqualTo(base);
    assertThat(SequenceOrder.key(42, "b", 0)).isNotEqualTo(base);
  }

  @Test
  void piecesOfOneDocumentAreSpreadNotAdjacent() {
    // Sorting 100 documents x 8 pieces by key: a real shuffle puts a document's neighbour piece far away.
    record Item(String id, int offset, long key) {}
    List<Item> items = new ArrayList<>();
    for (int d = 0; d < 100; d++) {
      for (int p = 0; p < 8; p++) {
        items.add(new Item("doc" + d, p * 256, SequenceOrder.key(42, "doc" + d, p * 256)));
      }
    }
    items.sort(Comparator.comparingLong(Item::key));
    int sameDocumentNeighbours = 0;
    for (int i = 1; i < items.size(); i++) {
      if (items.get(i).id().equals(items.get(i - 1).id())) {
        sameDocumentNeighbours++;
      }
    }
    // Expected about 800 * 7/799 ~ 7 for a uniform shuffle; sorted-by-id input would give 700.
    assertThat(sameDocumentNeighbours).isLessThan(30);
  }
}
