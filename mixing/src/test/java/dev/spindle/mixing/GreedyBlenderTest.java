package dev.spindle.mixing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class GreedyBlenderTest {

  @Test
  void picksTheSourceThatLagsMostAndBreaksTiesByIndex() {
    GreedyBlender blender = new GreedyBlender(3);
    double[] weights = {0.5, 0.3, 0.2};
    boolean[] all = {true, true, true};
    assertThat(blender.pick(all)).as("all lags 0: lowest index").isZero();
    blender.record(0, 100, weights);
    assertThat(blender.lag(0)).isEqualTo(-50);
    assertThat(blender.lag(1)).isEqualTo(30);
    assertThat(blender.pick(all)).isEqualTo(1);
    assertThat(blender.pick(new boolean[] {true, false, true})).as("ineligible sources are skipped").isEqualTo(2);
    assertThat(blender.pick(new boolean[] {false, false, false})).isEqualTo(-1);
  }

  @Test
  void unitDocumentsReproduceMegatronBlendingExactly() {
    GreedyBlender blender = new GreedyBlender(2);
    double[] weights = {0.75, 0.25};
    boolean[] all = {true, true};
    StringBuilder order = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      int source = blender.pick(all);
      order.append(source);
      blender.record(source, 1, weights);
    }
    assertThat(order).hasToString("01000100");
  }

  @Test
  void sourceStreamEndsBeforeTheDocumentThatWouldCrossItsCap() {
    List<DocumentMeta> documents = List.of(
        new DocumentMeta("a", "1", 10), new DocumentMeta("a", "2", 10), new DocumentMeta("a", "3", 10));
    SourceStream stream = new SourceStream("a", documents, 1, 45);
    int drawn = 0;
    while (stream.hasNext()) {
      SourceStream.Draw draw = stream.next();
      assertThat(draw.epoch()).isEqualTo(drawn / 3);
      drawn++;
    }
    assertThat(drawn).as("4 documents = 40 tokens fit under 45, a fifth would not").isEqualTo(4);
  }
}
