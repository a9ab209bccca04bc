package dev.spindle.trainer.cuda;

/**
 * Arithmetic of the engine. Parameters, gradients and optimizer state are fp32 in both modes. {@link #BF16}
 * (training): matrix products take bf16 operands (weights from a copy refreshed once per update) on the tensor cores
 * with fp32 accumulation; activations that only feed products are stored as bf16 (LayerNorm and GELU outputs, the
 * MLP pre-activation, logits, q/k/v and the attention output, and their gradients), attention runs on the tensor
 * cores ({@code attention_tc.cu}, head sizes 32 and 64); the residual stream, its gradient and all reductions stay
 * fp32. {@link #FP32} computes everything in fp32 (no TF32: the default math mode) and exists to check gradients
 * against the CPU reference; it runs the same fused kernels in their fp32 variants.
 */
public enum Precision {
  FP32,
  BF16;

  /** Parses {@code fp32} / {@code bf16} (case-insensitive). */
  public static Precision parse(String text) {
    for (Precision precision : values()) {
      if (precision.name().equalsIgnoreCase(text.trim())) {
        return precision;
      }
    }
    throw new IllegalArgumentException("Invalid CUDA precision '" + text + "': expected fp32 or bf16");
  }
}
