package dev.spindle.trainer.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The host side of the deterministic embedding backward: every input position lands in its token's group, in order. */
class TokenGroupsTest {
  @Test
  void groupsEveryInputPositionUnderItsTokenInAscendingOrderAndSkipsTargets() {
    // B = 2 rows of T + 1 = 5 ids; the last id of each row is only a target.
    IntBuffer batch = IntBuffer.wrap(new int[] {9, 3, 7, 3, 99, 7, 7, 1, 3, 98});
    TokenGroups groups = new TokenGroups();
    groups.group(batch, 0, 2, 4, 100);
    assertThat(groups.segments()).isEqualTo(4);
    assertThat(segment(groups, 0)).containsExactly(1L, 6L); // token 1 at row 1, position 2 -> flat 6
    assertThat(groups.token(0)).isEqualTo(1);
    assertThat(groups.token(1)).isEqualTo(3);
    assertThat(segment(groups, 1)).containsExactly(3L, 1L, 3L, 7L);
    assertThat(groups.token(2)).isEqualTo(7);
    assertThat(segment(groups, 2)).containsExactly(3L, 2L, 4L, 5L);
    assertThat(groups.token(3)).isEqualTo(9);
    assertThat(groups.start(4)).isEqualTo(8);
  }

  @Test
  void randomBatchesPartitionAllPositionsAndReuseBuffersAcrossShapes() {
    SplittableRandom random = new SplittableRandom(5);
    TokenGroups groups = new TokenGroups();
    for (int[] shape : new int[][] {{16, 8}, {2, 64}, {8, 16}}) {
      int b = shape[0];
      int t = shape[1];
      int[] ids = new int[b * (t + 1) + 3];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = random.nextInt(37);
      }
      groups.group(IntBuffer.wrap(ids), 3, b, t, 37);
      boolean[] seen = new boolean[b * t];
      for (int s = 0; s < groups.segments(); s++) {
        int previous = -1;
        for (int k = groups.start(s); k < groups.start(s + 1); k++) {
          int position = groups.position(k);
          assertThat(position).isGreaterThan(previous);
          previous = position;
          assertThat(seen[position]).as("position %d listed twice", position).isFalse();
          seen[position] = true;
          assertThat(ids[3 + position / t * (t + 1) + position % t]).isEqualTo(groups.token(s));
        }
      }
      for (boolean listed : seen) {
        assertThat(listed).isTrue();
      }
      IntBuffer written = IntBuffer.allocate(3 * b * t + 1);
      groups.writeTo(written);
      assertThat(written.position()).isEqualTo(b * t + 2 * groups.segments() + 1);
    }
  }

  private static List<Long> segment(TokenGroups groups, int s) {
    List<Long> out = new ArrayList<>();
    out.add((long) (groups.start(s + 1) - groups.start(s)));
    for (int k = groups.start(s); k < groups.start(s + 1); k++) {
      out.add((long) groups.position(k));
    }
    return out;
  }
}
