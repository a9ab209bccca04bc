package dev.spindle.trainer.cuda.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** What the kernels layer decides without a GPU: sources on the class path, launch shapes, preconditions. */
class KernelPreconditionsTest {
  @Test
  void everyLauncherHasItsKernelSourceOnTheClasspath() {
    for (String file : new String[] {"embedding.cu", "layernorm.cu", "attention.cu", "attention_tc.cu", "gelu.cu",
        "residual.cu", "bias.cu", "crossentropy.cu", "adamw.cu", "averaging.cu", "convert.cu", "checksum.cu"}) {
      assertThat(KernelSources.load(file)).as(file).contains("extern \"C\" __global__").contains("warp_sum");
    }
  }

  @Test
  void attentionSplitKeepsAtLeast32DimensionsPerThreadAndAPowerOfTwo() {
    assertThat(AttentionKernels.split(16)).isEqualTo(1);
    assertThat(AttentionKernels.split(64)).isEqualTo(2);
    assertThat(AttentionKernels.split(96)).isEqualTo(2);
    assertThat(AttentionKernels.split(128)).isEqualTo(4);
  }

  @Test
  void tensorCoreAttentionNeedsHeadSize32Or64OnAmpereOrNewer() {
    assertThat(TensorCoreAttentionKernels.supported(64, 9)).isTrue();
    assertThat(TensorCoreAttentionKernels.supported(32, 8)).isTrue();
    assertThat(TensorCoreAttentionKernels.supported(48, 9)).isFalse();
    assertThat(TensorCoreAttentionKernels.supported(64, 7)).isFalse();
  }

  @Test
  void badShapesFailInJavaWithTheKernelsName() {
    assertThatThrownBy(() -> Shapes.positive("layernorm forward", 4, 0))
        .hasMessageContaining("Cannot launch layernorm forward").hasMessageContaining("[4, 0]");
    assertThatThrownBy(() -> Shapes.requireWidth("layernorm backward", 96, 768))
        .hasMessageContaining("built for width 768");
    assertThatThrownBy(() -> AttentionKernels.checkShape(4096, 8, 32, "forward"))
        .hasMessageContaining("B * H = 131072");
  }

  @Test
  void elementwiseGridsStopAt32BlocksPerMultiprocessor() {
    var device = new dev.spindle.trainer.cuda.runtime.CudaDevice(0, 9, 0, 132);
    assertThat(Grid.elementwise(device, 1)).isEqualTo(1);
    assertThat(Grid.elementwise(device, 256 * 10 + 1)).isEqualTo(11);
    assertThat(Grid.elementwise(device, 1L << 40)).isEqualTo(132 * 32);
    assertThat(Grid.warpPerRow(17)).isEqualTo(3);
  }

  @Test
  void rowKernelsTakeOneBlockPerRowUpToEightPerMultiprocessor() {
    var device = new dev.spindle.trainer.cuda.runtime.CudaDevice(0, 9, 0, 132);
    assertThat(Grid.rowBlocks(device, 5)).isEqualTo(5);
    assertThat(Grid.rowBlocks(device, 65_536)).isEqualTo(132 * 8);
  }

  @Test
  void layerNormBackwardReadsFourColumnsPerAccessOnlyOnWidthsOf128Multiples() {
    assertThat(LayerNormKernels.vectorColumns(768)).isTrue();
    assertThat(LayerNormKernels.vectorColumns(128)).isTrue();
    assertThat(LayerNormKernels.vectorColumns(96)).isFalse();
    assertThat(LayerNormKernels.vectorColumns(32)).isFalse();
  }
}
