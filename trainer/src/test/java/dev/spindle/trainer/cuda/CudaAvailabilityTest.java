package dev.spindle.trainer.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.spindle.trainer.engine.Engines;
import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.OptimizerConfig;
import org.junit.jupiter.api.Test;

/** Engine selection and the parts of the engine that need no GPU. */
class CudaAvailabilityTest {
  @Test
  void withoutGpuTheEngineRefusesWithAReasonAndAHint() {
    assumeFalse(CudaAvailability.available(), "a GPU is present: the refusal path cannot be exercised here");
    assertThat(CudaAvailability.reason()).isNotBlank();
    assertThatThrownBy(() -> Engines.provider("cuda")
            .create(new ModelConfig(1, 8, 2, 10, 4, true), OptimizerConfig.sgd(0.1, 1), 1, 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Cannot create the CUDA engine")
        .hasMessageContaining("--engine dl4j");
  }

  @Test
  void engineIsRegisteredUnderCuda() {
    assertThat(Engines.provider("cuda")).isInstanceOf(CudaEngineProvider.class);
  }

  @Test
  void everyLayerHasAKernelSourceOnTheClasspath() {
    for (String file : new String[] {"embedding.cu", "layernorm.cu", "attention.cu", "gelu.cu", "residual.cu", "bias.cu",
        "crossentropy.cu", "adamw.cu", "averaging.cu"}) {
      assertThat(KernelSources.load(file)).as(file).contains("extern \"C\" __global__").contains("warp_sum");
    }
  }

  @Test
  void attentionSplitKeepsAtLeast32DimensionsPerThreadAndAPowerOfTwo() {
    assertThat(Kernels.attentionSplit(16)).isEqualTo(1);
    assertThat(Kernels.attentionSplit(64)).isEqualTo(2);
    assertThat(Kernels.attentionSplit(96)).isEqualTo(2);
    assertThat(Kernels.attentionSplit(128)).isEqualTo(4);
  }

  @Test
  void precisionAndOptionsParseAndRejectNonsense() {
    assertThat(Precision.parse("BF16")).isEqualTo(Precision.BF16);
    assertThatThrownBy(() -> Precision.parse("fp8")).hasMessageContaining("expected fp32 or bf16");
    assertThatThrownBy(() -> new CudaEngineOptions(Precision.FP32, -1)).hasMessageContaining("got -1");
    assertThat(CudaEngineOptions.defaults().precision()).isEqualTo(Precision.BF16);
  }
}
