package dev.spindle.trainer.cuda.kernels;

import dev.spindle.trainer.cuda.runtime.CudaDevice;

/**
 * Launch shapes shared by the launchers: elementwise kernels use grid-stride loops with {@link #THREADS}
 * threads per block and at most 32 blocks per multiprocessor; row kernels give each row one warp or a block.
 */
final class Grid {
  static final int THREADS = 256;

  private Grid() {}

  /** Blocks for a grid-stride loop over {@code elements}. */
  static long elementwise(CudaDevice device, long elements) {
    return Math.max(1, Math.min((elements + THREADS - 1) / THREADS, device.multiprocessors() * 32L));
  }

  /**
   * Blocks for a row kernel (blocks take rows in turn, a block's threads the columns): one per row, at most 8 per
   * multiprocessor (8 blocks of {@link #THREADS} threads fill one).
   */
  static long rowBlocks(CudaDevice device, long rows) {
    return Math.max(1, Math.min(rows, device.multiprocessors() * 8L));
  }

  /** Blocks of {@link #THREADS} threads that give each of {@code rows} rows one warp. */
  static long warpPerRow(long rows) {
    long warpsPerBlock = THREADS / 32;
    return Math.max(1, (rows + warpsPerBlock - 1) / warpsPerBlock);
  }
}
