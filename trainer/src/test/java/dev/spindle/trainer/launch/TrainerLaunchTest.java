package dev.spindle.trainer.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which GPU a trainer takes: Spark's assignment when there is one, else rank mod the GPUs visible. */
class TrainerLaunchTest {
  @Test
  void takesTheGpuSparkAssignedOtherwiseSpreadsRanksOverTheVisibleGpus() {
    assertThat(TrainerLaunch.device(List.of("3"), 0, 8)).isEqualTo(3);
    assertThat(TrainerLaunch.device(List.of(), 5, 4)).isEqualTo(1);
    assertThat(TrainerLaunch.device(List.of(), 1, 1)).as("two trainers, one GPU: both on it").isEqualTo(0);
  }

  @Test
  void refusesNoGpuAndAnAddressThatIsNoOrdinal() {
    assertThatThrownBy(() -> TrainerLaunch.device(List.of(), 0, 0)).hasMessageContaining("none is visible");
    assertThatThrownBy(() -> TrainerLaunch.device(List.of("GPU-9f"), 1, 2))
        .hasMessageContaining("Cannot use GPU 'GPU-9f' assigned to trainer 1");
  }
}
