package dev.spindle.trainer.collective;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.trainer.engine.EngineProvider.Accelerator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where trainers land decides how they average: every rule, without Spark or a GPU. */
class CollectiveChoiceTest {
  private static TrainerPlacement at(String process, String host, int device) {
    return new TrainerPlacement(process, host, device, device < 0 ? "" : "0000:0" + device + ":00.0");
  }

  @Test
  void hostEnginesAverageInProcessInOneJvmAndOverTheRingAcrossJvms() {
    assertThat(CollectiveChoice.choose(List.of(at("a:1", "a", -1), at("a:1", "a", -1)), Accelerator.HOST, false)
        .kind()).isEqualTo(CollectiveKind.IN_PROCESS);
    assertThat(CollectiveChoice.choose(List.of(at("a:1", "a", -1), at("a:2", "a", -1)), Accelerator.HOST, false)
        .kind()).isEqualTo(CollectiveKind.TCP_RING);
  }

  @Test
  void gpuTrainersSharingOneGpuInOneJvmAverageOnThatDevice() {
    CollectiveChoice choice = CollectiveChoice.choose(List.of(at("h:7", "h", 0), at("h:7", "h", 0)), Accelerator.GPU,
        false);
    assertThat(choice.kind()).isEqualTo(CollectiveKind.SHARED_DEVICE);
    assertThat(choice.kind().onDevice()).isTrue();
    assertThat(choice.reason()).contains("share GPU 0");
  }

  @Test
  void gpuTrainersWithOneGpuEachUseNcclInOneJvmOrAcrossHosts() {
    assertThat(CollectiveChoice.choose(List.of(at("h:7", "h", 0), at("h:7", "h", 1)), Accelerator.GPU, false).kind())
        .isEqualTo(CollectiveKind.NCCL);
    assertThat(CollectiveChoice.choose(List.of(at("a:1", "a", 0), at("b:1", "b", 0), at("b:2", "b", 1)),
        Accelerator.GPU, false).kind()).isEqualTo(CollectiveKind.NCCL);
  }

  @Test
  void executorsThatEachSeeTheirOwnGpuAsOrdinalZeroAreToldApartByPciBusId() {
    TrainerPlacement first = new TrainerPlacement("h:1", "h", 0, "0000:3b:00.0");
    TrainerPlacement second = new TrainerPlacement("h:2", "h", 0, "0000:5e:00.0");
    assertThat(CollectiveChoice.choose(List.of(first, second), Accelerator.GPU, false).kind())
        .isEqualTo(CollectiveKind.NCCL);
  }

  @Test
  void aGpuSharedAcrossJvmsFallsBackToTheHostAndSaysWhy() {
    CollectiveChoice acrossJvms = CollectiveChoice.choose(List.of(at("h:1", "h", 0), at("h:2", "h", 0)),
        Accelerator.GPU, false);
    assertThat(acrossJvms.kind()).isEqualTo(CollectiveKind.TCP_RING);
    assertThat(acrossJvms.reason()).contains("NCCL needs one GPU per trainer").contains("slow");
    CollectiveChoice mixed = CollectiveChoice.choose(List.of(at("h:1", "h", 0), at("h:1", "h", 0), at("h:1", "h", 1)),
        Accelerator.GPU, false);
    assertThat(mixed.kind()).isEqualTo(CollectiveKind.IN_PROCESS);
  }

  @Test
  void oneTrainerHasNothingToAverageAndTcpIsForcedWhenAsked() {
    assertThat(CollectiveChoice.choose(List.of(at("h:1", "h", 0)), Accelerator.GPU, false).kind())
        .isEqualTo(CollectiveKind.IN_PROCESS);
    assertThat(CollectiveChoice.choose(List.of(at("h:7", "h", 0), at("h:7", "h", 1)), Accelerator.GPU, true).kind())
        .isEqualTo(CollectiveKind.TCP_RING);
  }

  @Test
  void placementsTravelAsTextAndGpuEnginesNeedAGpu() {
    TrainerPlacement placement = TrainerPlacement.inThisProcess("10.0.0.5", 3, "0000:3b:00.0");
    assertThat(TrainerPlacement.parse(placement.encode())).isEqualTo(placement);
    assertThatThrownBy(() -> CollectiveChoice.choose(List.of(at("h:1", "h", -1), at("h:1", "h", 0)), Accelerator.GPU,
        false)).hasMessageContaining("has no GPU");
    assertThatThrownBy(() -> TrainerPlacement.parse("only|two")).hasMessageContaining("expected process|host|device|deviceId");
  }
}
