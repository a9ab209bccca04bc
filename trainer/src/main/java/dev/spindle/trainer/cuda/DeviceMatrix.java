package dev.spindle.trainer.cuda;

/**
 * A row-major matrix in device memory as the products see it: {@code rows} x {@code columns} elements starting at
 * {@code address}, consecutive rows {@code stride} elements apart (the stride exceeds the columns when a matrix is
 * the first columns of a wider one, e.g. logits padded to an aligned vocabulary).
 *
 * @param storage what each element is: an fp32 weight (BF16 mode reads it from the bf16 copy of the weights), an
 *     fp32 activation or gradient, or a bf16 value
 */
record DeviceMatrix(long address, Storage storage, int rows, int columns, int stride) {
  enum Storage { WEIGHT, FP32, BF16 }

  DeviceMatrix {
    if (rows <= 0 || columns <= 0 || stride < columns) {
      throw new IllegalArgumentException(
          "Invalid device matrix: " + rows + " x " + columns + " with row stride " + stride + " (internal sizing error)");
    }
  }

  static DeviceMatrix of(long address, Storage storage, int rows, int columns) {
    return new DeviceMatrix(address, storage, rows, columns, columns);
  }

  static DeviceMatrix fp32(long address, int rows, int columns) {
    return of(address, Storage.FP32, rows, columns);
  }

  static DeviceMatrix bf16(long address, int rows, int columns) {
    return of(address, Storage.BF16, rows, columns);
  }

  /** An activation stored as bf16 when {@code bf16}, fp32 otherwise. */
  static DeviceMatrix activation(long address, boolean bf16, int rows, int columns) {
    return of(address, bf16 ? Storage.BF16 : Storage.FP32, rows, columns);
  }

  /** The first {@code count} columns of this matrix (same rows and stride). */
  DeviceMatrix firstColumns(int count) {
    return new DeviceMatrix(address, storage, rows, count, stride);
  }

  /** Elements spanned in memory: rows x stride. */
  long span() {
    return (long) rows * stride;
  }
}
