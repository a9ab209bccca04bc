package dev.spindle.pipeline.decompose;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ConcatChunkStreamTest {
  @Test
  void sequencesShareOneTokenAndTheTailIsDropped() {
    var stream = new ConcatChunkStream(25, 8);
    assertThat(stream.sequences()).isEqualTo(3); // 24 targets / 8
    assertThat(stream.droppedTargets()).isZero();
    var shorter = new ConcatChunkStream(24, 8);
    assertThat(shorter.sequences()).isEqualTo(2);
    assertThat(shorter.droppedTargets()).isEqualTo(7);
    assertThat(new ConcatChunkStream(0, 8).sequences()).isZero();
  }

  @Test
  void documentOnASequenceBoundaryAppearsInBothSequences() {
    var stream = new ConcatChunkStream(100, 8);
    // A document at [5, 12) ends in sequence 1 (positions 8..16) and starts in sequence 0 (positions 0..8).
    assertThat(stream.fragments(5, 7)).containsExactly(new Fragment(0, 5, 0, 4), new Fragment(1, 0, 3, 4));
    // A document starting exactly at 8 also provides the last token of sequence 0.
    assertThat(stream.fragments(8, 3)).containsExactly(new Fragment(0, 8, 0, 1), new Fragment(1, 0, 0, 3));
  }

  @Test
  void randomStreamsReassembleToExactSlicesAndConserveTargetsPerDocument() {
    Random random = new Random(7);
    for (int trial = 0; trial < 200; trial++) {
      int length = 1 << random.nextInt(6);
      int documents = 1 + random.nextInt(12);
      List<int[]> docs = new ArrayList<>();
      List<Integer> stream = new ArrayList<>();
      for (int d = 0; d < documents; d++) {
        int[] tokens = new int[random.nextInt(40)];
        for (int i = 0; i < tokens.length; i++) {
          tokens[i] = stream.size() + i; // token = its stream position, so slices are checkable
        }
        docs.add(tokens);
        for (int token : tokens) {
          stream.add(token);
        }
      }
      var layout = new ConcatChunkStream(stream.size(), length);
      Map<Long, List<SequenceAssembler.Placed>> bySequence = new HashMap<>();
      long start = 0;
      long kept = 0;
      long dropped = 0;
      for (int d = 0; d < documents; d++) {
        int[] tokens = docs.get(d);
        for (Fragment f : layout.fragments(start, tokens.length)) {
          int[] slice = java.util.Arrays.copyOfRange(tokens, f.documentOffset(), f.documentOffset() + f.length());
          bySequence.computeIfAbsent(f.sequence(), k -> new ArrayList<>())
              .add(new SequenceAssembler.Placed(f.position(), slice, "d" + d, "s", f.documentOffset()));
        }
        long docKept = layout.keptTargets(start, tokens.length);
        long docTargets = layout.documentTargets(start, tokens.length);
        assertThat(docTargets).isEqualTo(tokens.length - (start == 0 && tokens.length > 0 ? 1 : 0));
        kept += docKept;
        dropped += docTargets - docKept;
        start += tokens.length;
      }
      assertThat(bySequence.keySet()).hasSize((int) layout.sequences());
      for (var entry : bySequence.entrySet()) {
        Sequence sequence = SequenceAssembler.assemble(entry.getKey(), length, entry.getValue());
        for (int i = 0; i <= length; i++) {
          assertThat(sequence.tokens()[i]).isEqualTo((int) (entry.getKey() * length + i));
        }
      }
      assertThat(kept).isEqualTo(layout.sequences() * length);
      assertThat(dropped).isEqualTo(layout.droppedTargets());
    }
  }
}
