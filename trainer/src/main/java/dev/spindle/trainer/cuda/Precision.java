package dev.spindle.trainer.cuda;

import org.bytedeco.cuda.global.cublas;

/**
 * Arithmetic of the matrix products. Parameters, optimizer state and activations are fp32 in both modes; in
 * {@link #BF16} the operands of every product are bfloat16 copies (weights converted once per update,
 * activations just before the product) multiplied on the tensor cores with fp32 accumulation and fp32 output,
 * so fp32 master weights train with bf16 products. {@link #FP32} computes the products in fp32 (no TF32: the
 * default math mode) and exists to check gradients against the CPU reference.
 */
public enum Precision {
  FP32(cublas.CUBLAS_COMPUTE_32F),
  BF16(cublas.CUBLAS_COMPUTE_32F);

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
