package dev.spindle.trainer.cuda;

import dev.spindle.trainer.cuda.DeviceMatrix.Storage;
import dev.spindle.trainer.cuda.kernels.ConvertKernels;
import dev.spindle.trainer.cuda.runtime.CublasHandle;
import dev.spindle.trainer.cuda.runtime.CudaStream;
import dev.spindle.trainer.cuda.runtime.DeviceMemory;

/**
 * Matrix products of the engine: {@code c = op(a) op(b) [+ c]} on {@link DeviceMatrix} operands, fp32 accumulation.
 * FP32 mode multiplies fp32 storage as is. BF16 mode multiplies bf16 operands on the tensor cores: weights come from
 * the bf16 copy ({@link DeviceParameters}), fp32 activations are converted into scratch first (A and B each have
 * their own, so converting one never overwrites the other), and the result is stored as fp32 or bf16 as {@code c}
 * says.
 */
final class Products {
  private final Precision precision;
  private final CublasHandle blas;
  private final CudaStream stream;
  private final DeviceParameters weights;
  private final ConvertKernels convert;
  private DeviceMemory scratchA;
  private DeviceMemory scratchB;

  Products(Precision precision, CublasHandle blas, CudaStream stream, DeviceParameters weights, ConvertKernels convert) {
    this.precision = precision;
    this.blas = blas;
    this.stream = stream;
    this.weights = weights;
    this.convert = convert;
  }

  /** The conversion scratch of the current activation buffers (they are replaced when they grow). */
  void useScratch(ActivationBuffers activations) {
    this.scratchA = activations.operandA;
    this.scratchB = activations.operandB;
  }

  boolean bf16() {
    return precision == Precision.BF16;
  }

  void multiply(DeviceMatrix a, boolean transposeA, DeviceMatrix b, boolean transposeB, DeviceMatrix c,
      boolean accumulate) {
    int m = transposeA ? a.columns() : a.rows();
    int k = transposeA ? a.rows() : a.columns();
    int otherK = transposeB ? b.columns() : b.rows();
    int n = transposeB ? b.rows() : b.columns();
    if (k != otherK || c.rows() != m || c.columns() != n || c.storage() == Storage.WEIGHT) {
      throw new IllegalArgumentException("Cannot multiply " + shape(a, transposeA) + " by " + shape(b, transposeB)
          + " into " + shape(c, false) + " (internal shape error)");
    }
    if (precision == Precision.FP32) {
      if (a.storage() == Storage.BF16 || b.storage() == Storage.BF16 || c.storage() == Storage.BF16) {
        throw new IllegalStateException("Cannot multiply bf16 operands in FP32 mode (internal error)");
      }
      blas.matmul(transposeA, transposeB, m, n, k, a.address(), a.stride(), b.address(), b.stride(), c.address(),
          c.stride(), accumulate);
      return;
    }
    long a16 = bf16Operand(a, scratchA);
    long b16 = bf16Operand(b, scratchB);
    blas.matmul(transposeA, transposeB, m, n, k, a16, true, a.stride(), b16, true, b.stride(), c.address(),
        c.storage() == Storage.BF16, c.stride(), accumulate);
  }

  /**
   * BF16 mode: {@code matrix} as a bf16 operand in the B scratch (converted once when it is fp32), for a matrix that
   * several products read as operand B or A; FP32 mode, or already bf16: the matrix itself.
   */
  DeviceMatrix asBf16InScratchB(DeviceMatrix matrix) {
    if (precision == Precision.FP32 || matrix.storage() != Storage.FP32) {
      return matrix;
    }
    return new DeviceMatrix(bf16Operand(matrix, scratchB), Storage.BF16, matrix.rows(), matrix.columns(),
        matrix.stride());
  }

  private long bf16Operand(DeviceMatrix matrix, DeviceMemory scratch) {
    switch (matrix.storage()) {
      case BF16:
        return matrix.address();
      case WEIGHT:
        return weights.bf16Address(matrix.address());
      default:
        if (scratch == null || matrix.span() * 2 > scratch.bytes()) {
          throw new IllegalStateException("Cannot convert an operand of " + matrix.span() + " elements: scratch holds "
              + (scratch == null ? 0 : scratch.bytes() / 2) + " (internal sizing error)");
        }
        convert.toBf16(stream, scratch.address(), matrix.address(), matrix.span());
        return scratch.address();
    }
  }

  private static String shape(DeviceMatrix matrix, boolean transposed) {
    return "(" + matrix.rows() + "x" + matrix.columns() + (transposed ? ")^T" : ")") + " " + matrix.storage();
  }
}
