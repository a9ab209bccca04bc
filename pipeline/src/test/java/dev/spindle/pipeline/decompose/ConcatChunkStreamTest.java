package dev.spindle.pipeline.decompose;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
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
  void randomStreamsSplitIntoRandomPartsBuildExactSlicesAndConserveTargetsPerDocument() {
    Random random = new Random(7);
    for (int trial = 0; trial < 300; trial++) {
      int length = 1 << random.nextInt(6);
      int documents = 1 + random.nextInt(12);
      List<int[]> docs = new ArrayList<>();
      int total = 0;
      for (int d = 0; d < documents; d++) {
        int[] tokens = new int[random.nextInt(40)];
        for (int i = 0; i < tokens.length; i++) {
          tokens[i] = total + i; // token = its stream position, so slices are checkable
        }
        docs.add(tokens);
        total += tokens.length;
      }
      var layout = new ConcatChunkStream(total, length);
      // Cut the document list into parts (as Spark partitions would), some of them empty.
      List<List<Integer>> parts = new ArrayList<>();
      List<Integer> part = new ArrayList<>();
      for (int d = 0; d < documents; d++) {
        part.add(d);
        if (random.nextInt(3) == 0) {
          parts.add(part);
          part = new ArrayList<>();
        }
      }
      parts.add(part);
      List<int[]> heads = new ArrayList<>();
      for (List<Integer> p : parts) {
        List<Integer> head = new ArrayList<>();
        for (int d : p) {
          for (int token : docs.get(d)) {
            if (head.size() <= length) {
              head.add(token);
            }
          }
        }
        heads.add(head.stream().mapToInt(Integer::intValue).toArray());
      }
      List<Sequence> sequences = new ArrayList<>();
      long start = 0;
      long kept = 0;
      long dropped = 0;
      for (int p = 0; p < parts.size(); p++) {
        var builder = new ConcatChunkBuilder(layout, start);
        for (int d : parts.get(p)) {
          int[] tokens = docs.get(d);
          sequences.addAll(builder.add("d" + d, "s", tokens));
          long docKept = layout.keptTargets(start, tokens.length);
          long docTargets = layout.documentTargets(start, tokens.length);
          assertThat(docTargets).isEqualTo(tokens.length - (start == 0 && tokens.length > 0 ? 1 : 0));
          kept += docKept;
          dropped += docTargets - docKept;
          start += tokens.length;
        }
        sequences.addAll(builder.finish(heads.subList(p + 1, heads.size())));
      }
      assertThat(sequences).hasSize((int) layout.sequences());
      for (int j = 0; j < sequences.size(); j++) {
        Sequence sequence = sequences.get(j);
        assertThat(sequence.length()).isEqualTo(length);
        for (int i = 0; i <= length; i++) {
          assertThat(sequence.tokens()[i]).as("trial %d sequence %d token %d", trial, j, i)
              .isEqualTo(j * length + i);
        }
        int[] first = docs.get(Integer.parseInt(sequence.docId().substring(1)));
        assertThat(first[sequence.offset()]).as("identity names the first token").isEqualTo(j * length);
      }
      assertThat(kept).isEqualTo(layout.sequences() * length);
      assertThat(dropped).isEqualTo(layout.droppedTargets());
    }
  }
}
