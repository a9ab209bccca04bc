package dev.spindle.trainer.cuda.runtime;

import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.FloatPointer;

/**
 * A cuBLAS handle bound to one stream, with its own workspace, exposing matrix products in ROW-major terms (the
 * engine's layout) so no caller has to think in column-major: row-major {@code C = op(A) op(B)} is column-major
 * {@code C^T = op(B)^T op(A)^T}, which is the same cuBLAS call with the operands swapped.
 */
public final class CublasHandle implements AutoCloseable {
  private static final long WORKSPACE_BYTES = 32L << 20;

  private final cublasContext handle = new cublasContext();
  private final DeviceMemory workspace;
  private final FloatPointer one = new FloatPointer(1.0f);
  private final FloatPointer zero = new FloatPointer(0.0f);
  private boolean closed;

  public CublasHandle(CudaStream stream) {
    CudaChecks.cublas(cublas.cublasCreate_v2(handle), "create a cuBLAS handle");
    workspace = new DeviceMemory(WORKSPACE_BYTES, "cuBLAS workspace");
    CudaChecks.cublas(cublas.cublasSetStream_v2(handle, stream.handle()), "bind cuBLAS to the engine stream");
    CudaChecks.cublas(
        cublas.cublasSetWorkspace_v2(handle, workspace.pointer(), WORKSPACE_BYTES), "give cuBLAS its workspace");
  }

  /**
   * Row-major {@code C (M, N) = op(A) op(B) [+ C when accumulate]} with fp32 storage. {@code lda}, {@code ldb},
   * {@code ldc} are the row strides of the matrices as stored (before op).
   */
  public void matmul(
      boolean transposeA, boolean transposeB, int m, int n, int k,
      long a, int lda, long b, int ldb, long c, int ldc, boolean accumulate) {
    matmul(transposeA, transposeB, m, n, k, a, false, lda, b, false, ldb, c, false, ldc, accumulate);
  }

  /**
   * As above, with A, B and/or C stored as bfloat16 ({@code aBf16}, {@code bBf16}, {@code cBf16}); the
   * products accumulate in fp32 either way.
   */
  public void matmul(
      boolean transposeA, boolean transposeB, int m, int n, int k,
      long a, boolean aBf16, int lda, long b, boolean bBf16, int ldb, long c, boolean cBf16, int ldc,
      boolean accumulate) {
    if (m <= 0 || n <= 0 || k <= 0) {
      throw new IllegalArgumentException("Cannot multiply matrices: sizes must be positive, got M=" + m + " N=" + n + " K=" + k);
    }
    int status = cublas.cublasGemmEx(
        handle,
        transposeB ? cublas.CUBLAS_OP_T : cublas.CUBLAS_OP_N,
        transposeA ? cublas.CUBLAS_OP_T : cublas.CUBLAS_OP_N,
        n, m, k,
        one,
        NativePointers.at(b), bBf16 ? cudart.CUDA_R_16BF : cudart.CUDA_R_32F, ldb,
        NativePointers.at(a), aBf16 ? cudart.CUDA_R_16BF : cudart.CUDA_R_32F, lda,
        accumulate ? one : zero,
        NativePointers.at(c), cBf16 ? cudart.CUDA_R_16BF : cudart.CUDA_R_32F, ldc,
        cublas.CUBLAS_COMPUTE_32F, // fp32 accumulation in both precisions; no TF32
        cublas.CUBLAS_GEMM_DEFAULT);
    CudaChecks.cublas(status, "multiply (" + m + "x" + k + ") by (" + k + "x" + n + ") with cublasGemmEx");
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      cublas.cublasDestroy_v2(handle);
      workspace.close();
      one.close();
      zero.close();
    }
  }
}
