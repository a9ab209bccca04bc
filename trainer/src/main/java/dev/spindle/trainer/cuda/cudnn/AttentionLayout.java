package dev.spindle.trainer.cuda.cudnn;

/**
 * Where each tensor of causal attention lives in the engine's buffers, as cuDNN's 4-d (batch, head, row, column)
 * dimensions and element strides: Q, K and V are column blocks of qkv (B, T, 3C) (head h at columns h * D of its
 * block), the output and its gradient are (B, T, C), dQ, dK and dV are the same blocks of dqkv, and the
 * log-sum-exp and the backward's row sums are (B, H, T). Pure arithmetic; the graphs ({@link CudnnAttention}) read it.
 *
 * @param batch B
 * @param heads H
 * @param length T (queries and keys)
 * @param headSize D
 */
record AttentionLayout(long batch, long heads, long length, long headSize) {
  /** A tensor's dimensions and strides (elements), both in (batch, head, row, column) order. */
  record Shape(long[] dimensions, long[] strides) {}

  AttentionLayout {
    if (batch <= 0 || heads <= 0 || length <= 0 || headSize <= 0) {
      throw new IllegalArgumentException("Invalid attention shape: B=" + batch + " H=" + heads + " T=" + length
          + " D=" + headSize + " (all must be positive)");
    }
  }

  long width() {
    return heads * headSize;
  }

  /** Q, K, V (and dQ, dK, dV): (B, H, T, D) inside a (B, T, 3C) buffer. */
  Shape packed() {
    long c3 = 3 * width();
    return new Shape(new long[] {batch, heads, length, headSize}, new long[] {length * c3, headSize, c3, 1});
  }

  /** K or V read transposed, (B, H, D, T), inside the same buffer. */
  Shape packedTransposed() {
    long c3 = 3 * width();
    return new Shape(new long[] {batch, heads, headSize, length}, new long[] {length * c3, headSize, 1, c3});
  }

  /** The attention output and its gradient: (B, H, T, D) inside a (B, T, C) buffer. */
  Shape output() {
    long c = width();
    return new Shape(new long[] {batch, heads, length, headSize}, new long[] {length * c, headSize, c, 1});
  }

  /** One value per query row, (B, H, T, 1): the log-sum-exp and the backward's sum(dO * O). */
  Shape rows() {
    return new Shape(new long[] {batch, heads, length, 1}, new long[] {heads * length, length, 1, 1});
  }

  /** Scores and probabilities, (B, H, T, T), row-major per head (never stored: fused away). */
  Shape scores() {
    return new Shape(new long[] {batch, heads, length, length},
        new long[] {heads * length * length, length * length, length, 1});
  }

  /** The same scores read transposed (keys as rows), for dV = P^T dO and dK = dS^T Q. */
  Shape scoresTransposed() {
    return new Shape(new long[] {batch, heads, length, length},
        new long[] {heads * length * length, length * length, 1, length});
  }

  /** dO * O before its row sum (never stored). */
  Shape outputProduct() {
    return new Shape(new long[] {batch, heads, length, headSize},
        new long[] {heads * length * headSize, length * headSize, heads * headSize, 1});
  }

  /** The non-deterministic backward's fp32 dQ accumulator, (B, H, T, D) dense: B*T*C floats of workspace. */
  Shape queryAccumulator() {
    return new Shape(new long[] {batch, heads, length, headSize},
        new long[] {heads * length * headSize, length * headSize, headSize, 1});
  }

  /** Bytes of that accumulator (fp32). */
  long queryAccumulatorBytes() {
    return batch * length * width() * Float.BYTES;
  }

  /** Byte offset of K (block 1) or V (block 2) inside a bf16 qkv or dqkv buffer. */
  long blockOffsetBytes(int block) {
    return block * width() * 2;
  }
}
