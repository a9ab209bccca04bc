package dev.spindle.trainer.cuda.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NativePointersTest {
  @Test
  void wrapsTheGivenAddressNotTheInheritedField() {
    // Regression: a parameter named "address" was shadowed by Pointer's field and every pointer came out null.
    assertThat(NativePointers.at(0x1234_5678L).address()).isEqualTo(0x1234_5678L);
  }
}
