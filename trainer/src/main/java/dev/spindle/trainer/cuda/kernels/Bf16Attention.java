package dev.spindle.trainer.cuda.kernels;

import dev.spindle.trainer.cuda.runtime.CudaStream;

/**
 * Causal multi-head attention on bf16 activations, as the engine calls it: qkv (B, T, 3C), output and output
 * gradient (B, T, C) in bf16, log-sum-exp and the backward's per-row scratch (B, H, T) in fp32, all device
 * addresses. Implemented by the NVRTC tensor-core kernels ({@link TensorCoreAttentionKernels}) and by cuDNN's fused
 * attention ({@code cuda.cudnn.CudnnAttention}); both keep the same layouts, so either can run any step.
 */
public interface Bf16Attention {
  /** out (B, T, C) bf16 and lse (B, H, T) fp32 from qkv (B, T, 3C) bf16. */
  void forward(CudaStream s, long out, long lse, long qkv, int b, int t, int heads);

  /**
   * Writes all of {@code dqkv} (B, T, 3C) bf16 from dout, qkv and out (bf16) and the forward's lse;
   * {@code deltaScratch} (B, H, T) fp32 is overwritten.
   */
  void backward(CudaStream s, long dqkv, long deltaScratch, long dout, long qkv, long out, long lse, int b, int t,
      int heads);
}
