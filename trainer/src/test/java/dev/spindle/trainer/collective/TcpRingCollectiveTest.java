package dev.spindle.trainer.collective;

import static dev.spindle.trainer.collective.InProcessCollectiveTest.checksum;
import static dev.spindle.trainer.collective.InProcessCollectiveTest.vector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.trainer.testing.RankThreads;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class TcpRingCollectiveTest {
  private static List<TcpRingListener> listeners(int size) {
    List<TcpRingListener> listeners = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      listeners.add(new TcpRingListener("127.0.0.1"));
    }
    return listeners;
  }

  @Test
  void ringOfFourAveragesToIdenticalBitsOnEveryMember() throws Exception {
    int size = 4;
    int length = 100_003; // not a multiple of the ring size: chunks differ in length
    List<TcpRingListener> listeners = listeners(size);
    List<String> addresses = listeners.stream().map(TcpRingListener::address).toList();
    List<float[]> results = RankThreads.run(size, r -> {
      try (Collective ring = TcpRingCollective.join(listeners.get(r), r, addresses, Duration.ofSeconds(20))) {
        float[] values = vector(r, length);
        FloatBuffer buffer = FloatBuffer.wrap(values);
        ring.allReduceMean(buffer);
        ring.barrier();
        return values;
      }
    });
    long expectedChecksum = checksum(results.get(0));
    for (float[] result : results) {
      assertThat(checksum(result)).as("checksum").isEqualTo(expectedChecksum);
    }
    float[] mean = results.get(0);
    for (int i = 0; i < length; i += 997) {
      float expected = 0;
      for (int r = 0; r < size; r++) {
        expected += vector(r, length)[i];
      }
      assertThat(mean[i]).isCloseTo(expected / size, Offset.offset(1e-5f));
    }
  }

  @Test
  void aLostPeerIsNamedWithItsAddress() throws Exception {
    List<TcpRingListener> listeners = listeners(2);
    List<String> addresses = listeners.stream().map(TcpRingListener::address).toList();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<Collective> peer = pool.submit(() ->
          TcpRingCollective.join(listeners.get(1), 1, addresses, Duration.ofSeconds(20)));
      try (Collective ring = TcpRingCollective.join(listeners.get(0), 0, addresses, Duration.ofSeconds(2))) {
        peer.get().close(); // rank 1 dies
        assertThatThrownBy(() -> ring.allReduceMean(FloatBuffer.wrap(new float[1000])))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("rank 1 (" + addresses.get(1) + ")");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aPeerThatNeverStartsFailsTheConnectWithinTheTimeout() {
    List<TcpRingListener> listeners = listeners(2);
    List<String> addresses = listeners.stream().map(TcpRingListener::address).toList();
    listeners.get(1).close();
    assertThatThrownBy(() -> TcpRingCollective.join(listeners.get(0), 0, addresses, Duration.ofMillis(500)))
        .hasMessageContaining("rank 1 (" + addresses.get(1) + ")");
  }
}
