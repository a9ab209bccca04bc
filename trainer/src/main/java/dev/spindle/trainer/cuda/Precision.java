package dev.spindle.trainer.cuda;

import org.bytedeco.cuda.global.cublas;

/**
 * Arithmetic of the matrix products. Parameters, optimizer state and activations are fp32 in both modes; in
 * {@link #BF16} cuBLAS rounds the operands of every product to bfloat16 on the tensor cores and accumulates in
 * fp32 (CUBLAS_COMPUTE_32F_FAST_16BF), so fp32 master weights train with bf16 products. {@link #FP32} computes
 * the products in strict fp32 (no TF32) and exists to check gradients against the CPU reference.
 */
public enum Precision {
  FP32(cublas.CUBLAS_COMPUTE_32F_PEDANTIC),
  BF16(cublas.CUBLAS_COMPUTE_32F_FAST_16BF);

  private final int computeType;

  Precision(int computeType) {
    this.computeType = computeType;
  }

  int computeType() {
    return computeType;
  }

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
