package dev.spindle.trainer.cuda;

import dev.spindle.trainer.cuda.runtime.CudaStream;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-category GPU time of the engine's operations, when enabled ({@code spindle.train.cuda.profile}): each
 * {@link #mark} waits for the stream and charges the time since the previous mark to a category. Synchronising
 * after every operation slows steps, so profiled totals are not step times; disabled, a mark costs nothing.
 */
final class StepProfile {
  private final boolean enabled;
  private final CudaStream stream;
  private final Map<String, Long> nanos = new TreeMap<>();
  private long last;

  StepProfile(boolean enabled, CudaStream stream) {
    this.enabled = enabled;
    this.stream = stream;
  }

  void mark(String category) {
    if (!enabled) {
      return;
    }
    stream.synchronize();
    long now = System.nanoTime();
    if (last != 0) {
      nanos.merge(category, now - last, Long::sum);
    }
    last = now;
  }

  /** Milliseconds per category since the last call (empty when disabled), and resets. */
  Map<String, Double> take() {
    Map<String, Double> out = new TreeMap<>();
    nanos.forEach((category, value) -> out.put(category, value / 1e6));
    nanos.clear();
    return out;
  }
}
