package dev.spindle.trainer.collective;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.trainer.testing.RankThreads;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class InProcessCollectiveTest {
  static float[] vector(int rank, int length) {
    SplittableRandom random = new SplittableRandom(rank * 977L + 1);
    float[] v = new float[length];
    for (int i = 0; i < length; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  static long checksum(float[] values) {
    long hash = 1469598103934665603L;
    for (float f : values) {
      hash = (hash ^ Float.floatToRawIntBits(f)) * 1099511628211L;
    }
    return hash;
  }

  @Test
  void everyMemberReceivesTheSameBitsAndTheyAreTheMean() throws Exception {
    int size = 3;
    int length = 1001;
    InProcessGroup group = new InProcessGroup(size, Duration.ofSeconds(10));
    List<float[]> results = RankThreads.run(size, r -> {
      Collective member = group.member(r);
      float[] values = vector(r, length);
      for (int round = 0; round < 3; round++) {
        // offset position: only the remaining floats take part
        FloatBuffer buffer = FloatBuffer.allocate(length + 2);
        buffer.position(2);
        buffer.put(values);
        buffer.position(2);
        member.allReduceMean(buffer);
        assertThat(buffer.position()).isEqualTo(2);
        buffer.get(values);
        member.barrier();
      }
      return values;
    });
    float[] first = results.get(0);
    for (float[] result : results) {
      assertThat(checksum(result)).isEqualTo(checksum(first));
    }
    // After the first round all hold the mean; later rounds average equal vectors (a no-op up to rounding).
    float[] a = vector(0, length);
    float[] b = vector(1, length);
    float[] c = vector(2, length);
    for (int i = 0; i < length; i++) {
      assertThat(first[i]).isCloseTo((a[i] + b[i] + c[i]) / 3, org.assertj.core.data.Offset.offset(1e-5f));
    }
  }

  @Test
  void aMemberThatNeverArrivesIsNamedAfterTheTimeout() {
    InProcessGroup group = new InProcessGroup(2, Duration.ofMillis(300));
    Collective member = group.member(0);
    assertThatThrownBy(() -> member.allReduceMean(FloatBuffer.wrap(new float[] {1, 2})))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("rank(s) [1] did not arrive");
  }

  @Test
  void aMemberThatLeavesReleasesTheOthersAtOnce() throws Exception {
    InProcessGroup group = new InProcessGroup(2, Duration.ofSeconds(60));
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<?> waiting = pool.submit(() -> group.member(0).barrier());
      Thread.sleep(200);
      long start = System.nanoTime();
      group.member(1).close();
      assertThatThrownBy(waiting::get).hasMessageContaining("did not arrive");
      assertThat((System.nanoTime() - start) / 1e9).isLessThan(5);
    } finally {
      pool.shutdownNow();
    }
  }
}
