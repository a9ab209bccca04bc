package dev.spindle.trainer.dl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NativeThreadsTest {
  private final String saved = System.getProperty(NativeThreads.PROPERTY);

  @AfterEach
  void restoreProperty() {
    if (saved == null) {
      System.clearProperty(NativeThreads.PROPERTY);
    } else {
      System.setProperty(NativeThreads.PROPERTY, saved);
    }
  }

  @Test
  void configuredThreadCountWins() {
    System.setProperty(NativeThreads.PROPERTY, "3");
    assertThat(NativeThreads.threadsPerEngine()).isEqualTo(3);
  }

  @Test
  void withoutConfigurationEveryEngineGetsAtLeastOneThread() {
    System.clearProperty(NativeThreads.PROPERTY);
    assertThat(NativeThreads.threadsPerEngine())
        .isBetween(1, Runtime.getRuntime().availableProcessors());
  }

  @Test
  void rejectsANonPositiveOrNonNumericThreadCount() {
    System.setProperty(NativeThreads.PROPERTY, "zero");
    assertThatThrownBy(NativeThreads::threadsPerEngine)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-Dspindle.dl4j.threads=zero")
        .hasMessageContaining("positive number");
    System.setProperty(NativeThreads.PROPERTY, "0");
    assertThatThrownBy(NativeThreads::threadsPerEngine).isInstanceOf(IllegalArgumentException.class);
  }
}
