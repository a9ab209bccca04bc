package dev.spindle.trainer.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.spindle.trainer.cuda.runtime.CudaAvailability;
import dev.spindle.trainer.engine.Engines;
import dev.spindle.trainer.engine.ModelConfig;
import dev.spindle.trainer.engine.OptimizerConfig;
import org.junit.jupiter.api.Test;

/** Engine selection and the parts of the engine that need no GPU (options). */
class CudaAvailabilityTest {
  @Test
  void withoutGpuTheEngineRefusesWithAReasonAndAHint() {
    assumeFalse(CudaAvailability.available(), "a GPU is present: the refusal path cannot be exercised here");
    assertThat(CudaAvailability.reason()).isNotBlank();
    assertThatThrownBy(() -> Engines.provider("cuda")
            .create(new ModelConfig(1, 8, 2, 10, 4, true), OptimizerConfig.sgd(0.1, 1), 1, 0,
                java.util.Map.of("precision", "bf16", "token-capacity", "0", "profile", "false", "attention", "auto")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Cannot create the CUDA engine")
        .hasMessageContaining("--engine dl4j");
  }

  @Test
  void engineIsRegisteredUnderCuda() {
    assertThat(Engines.provider("cuda")).isInstanceOf(CudaEngineProvider.class);
  }

  @Test
  void precisionAndOptionsParseAndRejectNonsense() {
    assertThat(Precision.parse("BF16")).isEqualTo(Precision.BF16);
    assertThatThrownBy(() -> Precision.parse("fp8")).hasMessageContaining("expected fp32 or bf16");
    assertThatThrownBy(() -> new CudaEngineOptions(Precision.FP32, -1)).hasMessageContaining("got -1");
    assertThat(CudaEngineOptions.from(java.util.Map.of("precision", "bf16", "token-capacity", "4096", "profile", "true",
        "attention", "cudnn"))).isEqualTo(new CudaEngineOptions(Precision.BF16, 4096, true, "cudnn"));
    assertThatThrownBy(() -> new CudaEngineOptions(Precision.FP32, 0, false, "cudnn"))
        .hasMessageContaining("attention = cudnn with precision fp32").hasMessageContaining("that attention is bf16");
    assertThat(new CudaEngineOptions(Precision.BF16, 0, false, "cudnn-nondeterministic").attention())
        .isEqualTo("cudnn-nondeterministic");
    assertThatThrownBy(() -> CudaEngineOptions.from(java.util.Map.of("precision", "bf16", "token-capacity", "0",
        "profile", "false", "attention", "wgmma"))).hasMessageContaining("expected one of [auto, cudnn, cudnn-nondeterministic, mma-sync]");
    assertThatThrownBy(() -> CudaEngineOptions.from(java.util.Map.of("precision", "bf16", "profile", "false")))
        .hasMessageContaining("Missing spindle.train.cuda.token-capacity");
    assertThatThrownBy(() -> CudaEngineOptions.from(
        java.util.Map.of("precision", "bf16", "token-capacity", "many", "profile", "false")))
        .hasMessageContaining("spindle.train.cuda.token-capacity 'many'");
  }
}
