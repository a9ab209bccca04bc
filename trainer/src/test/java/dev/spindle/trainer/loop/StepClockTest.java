package dev.spindle.trainer.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class StepClockTest {
  private static final long MS = 1_000_000L;

  @Test
  void ratesDescribeTheStepsSinceTheLastLineNotTheWholeRun() {
    StepClock clock = new StepClock();
    // Short, fast steps first (a DD run's small buckets): 8,192 tokens in 100 ms each.
    for (int i = 0; i < 10; i++) {
      clock.add(100 * MS, 90 * MS, 10 * MS, 0, 8192);
    }
    assertThat(clock.tokensPerSecondSinceShown()).isCloseTo(81_920, within(1e-6));
    assertThat(clock.waitShareSinceShown()).isCloseTo(0.10, within(1e-12));
    clock.markShown();
    // Then long, slow ones: 8,192 tokens in 400 ms, 20 ms of it averaging.
    for (int i = 0; i < 5; i++) {
      clock.add(400 * MS, 380 * MS, 0, 20 * MS, 8192);
    }
    assertThat(clock.tokensPerSecondSinceShown()).isCloseTo(20_480, within(1e-6));
    assertThat(clock.waitShareSinceShown()).isZero();
    assertThat(clock.syncShareSinceShown()).isCloseTo(0.05, within(1e-12));
    // The run's totals are kept whole for the summary.
    assertThat(clock.steps).isEqualTo(15);
    assertThat(clock.tokens).isEqualTo(15 * 8192);
    assertThat(clock.stepNanos).isEqualTo(3000.0 * MS);
  }
}
