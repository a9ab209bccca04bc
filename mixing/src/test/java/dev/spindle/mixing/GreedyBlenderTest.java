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
  void sourceStreamEndsExactlyAtItsCapCuttingTheDocumentThatCrossesIt() {
    List<DocumentMeta> documents = List.of(
        new DocumentMeta("a", "1", 10), new DocumentMeta("a", "2", 10), new DocumentMeta("a", "3", 10));
    SourceStream stream = new SourceStream("a", documents, 1, 45);
    List<SourceStream.Draw> draws = new java.util.ArrayList<>();
    while (stream.hasNext()) {
      draws.add(stream.next(100));
    }
    assertThat(draws).extracting(SourceStream.Draw::tokens).as("4 whole documents, then 5 tokens up to the cap")
        .containsExactly(10, 10, 10, 10, 5);
    assertThat(draws).extracting(SourceStream.Draw::epoch).containsExactly(0, 0, 0, 1, 1);
    assertThat(draws.get(4).cut()).isTrue();
    assertThat(draws.get(4).offset()).isZero();
    assertThat(stream.capped()).isTrue();
  }

  @Test
  void aCutDocumentIsTheSourcesNextPieceFromTheCutOn() {
    SourceStream stream = new SourceStream("a", List.of(new DocumentMeta("a", "1", 10), new DocumentMeta("a", "2", 10)),
        3, Double.POSITIVE_INFINITY);
    SourceStream.Draw head = stream.next(4);
    SourceStream.Draw middle = stream.next(4);
    SourceStream.Draw tail = stream.next(100);
    SourceStream.Draw other = stream.next(100);
    assertThat(List.of(head.document(), middle.document(), tail.document())).as("one document in three pieces")
        .containsOnly(head.document());
    assertThat(List.of(head.offset(), middle.offset(), tail.offset())).containsExactly(0, 4, 8);
    assertThat(List.of(head.tokens(), middle.tokens(), tail.tokens())).containsExactly(4, 4, head.document().tokens() - 8);
    assertThat(head.cut()).isTrue();
    assertThat(tail.cut()).isFalse();
    assertThat(other.document()).isNotEqualTo(head.document());
    assertThat(other.offset()).isZero();
  }

  @Test
  void quotasAddUpToThePhaseAndStayWithinOneTokenOfTheirShare() {
    double[] weights = {0.2, 0.0, 0.35, 0.45};
    for (long tokens : new long[] {0, 1, 7, 150_000, 1_000_003}) {
      long[] parts = Quotas.apportion(tokens, weights);
      assertThat(java.util.Arrays.stream(parts).sum()).as("parts of %d", tokens).isEqualTo(tokens);
      assertThat(parts[1]).as("weight 0 gets nothing").isZero();
      for (int i = 0; i < weights.length; i++) {
        assertThat(Math.abs(parts[i] - weights[i] * tokens)).as("part %d of %d", i, tokens).isLessThan(1.0);
      }
    }
    assertThat(Quotas.apportion(3, new double[] {1, 1})).as("equal remainders: lower index first").containsExactly(2, 1);
  }
}
