package dev.spindle.trainer.cuda.kernels;

import dev.spindle.trainer.cuda.runtime.CudaDevice;
import dev.spindle.trainer.cuda.runtime.CudaStream;
import dev.spindle.trainer.cuda.runtime.Kernel;
import dev.spindle.trainer.cuda.runtime.KernelModule;

/**
 * {@code embedding.cu}: token + position embedding lookup and its backward, deterministic: positions summed over
 * rows in order, tokens summed per distinct id over the positions the host grouped (see the engine's
 * {@code TokenGroups}).
 */
public final class EmbeddingKernels {
  private final CudaDevice device;
  private final Kernel forward;
  private final Kernel backwardPositions;
  private final Kernel backwardTokens;

  EmbeddingKernels(ModuleLoader loader) {
    this.device = loader.device();
    KernelModule module = loader.load("embedding.cu", java.util.List.of());
    forward = module.kernel("embedding_forward");
    backwardPositions = module.kernel("embedding_backward_positions");
    backwardTokens = module.kernel("embedding_backward_tokens");
  }

  /** out (B, T, C) = wte[tokens] + wpe[position]; tokens are B rows of T + 1 ids (the last is only a target). */
  public void forward(CudaStream s, long out, long tokens, long wte, long wpe, int b, int t, int c) {
    Shapes.positive("embedding forward", b, t, c);
    forward.launch(s, Grid.elementwise(device, (long) b * t * c), 1, Grid.THREADS, 0, out, tokens, wte, wpe, b, t, c,
        t + 1);
  }

  /**
   * Adds dout (B, T, C) into dwpe rows of the positions and into dwte rows of the tokens. The tokens come grouped:
   * {@code segments} distinct ids ({@code segmentToken}), the positions of segment s at
   * {@code order[start[s] .. start[s + 1])}, ascending.
   */
  public void backward(CudaStream s, long dwte, long dwpe, long dout, int b, int t, int c, long order, long start,
      long segmentToken, int segments) {
    Shapes.positive("embedding backward", b, t, c, segments);
    backwardPositions.launch(s, Grid.elementwise(device, (long) t * c), 1, Grid.THREADS, 0, dwpe, dout, b, t, c);
    int columnBlocks = (c + Grid.THREADS - 1) / Grid.THREADS;
    backwardTokens.launch(s, Math.min(segments, device.multiprocessors() * 32L), columnBlocks, Grid.THREADS, 0, dwte,
        dout, order, start, segmentToken, segments, c);
  }
}
