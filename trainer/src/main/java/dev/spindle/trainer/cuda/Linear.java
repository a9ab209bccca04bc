package dev.spindle.trainer.cuda;

import dev.spindle.trainer.cuda.kernels.BiasKernels;
import dev.spindle.trainer.cuda.runtime.CudaStream;

/**
 * A linear layer {@code out (N, OUT) = in (N, IN) W (IN, OUT) + b} over the replica's parameters, forward and
 * backward. Weights are addressed by their float offsets in the parameter vector, so one instance serves every
 * layer. Bias gradients are column sums of the output gradient ({@link BiasKernels#gradient}, fp32 accumulation).
 */
final class Linear {
  private final Products products;
  private final BiasKernels bias;
  private final DeviceParameters weights;
  private final CudaStream stream;

  Linear(Products products, BiasKernels bias, DeviceParameters weights, CudaStream stream) {
    this.products = products;
    this.bias = bias;
    this.weights = weights;
    this.stream = stream;
  }

  /** out = in W + b, with W at {@code weightOffset} (IN, OUT) and b at {@code biasOffset} (OUT). */
  void forward(DeviceMatrix out, DeviceMatrix in, long weightOffset, long biasOffset) {
    products.multiply(in, false, weights.weight(weightOffset, in.columns(), out.columns()), false, out, false);
    bias.add(stream, out.address(), out.storage() == DeviceMatrix.Storage.BF16, weights.parameter(biasOffset),
        out.rows(), out.columns());
  }

  /** out = in W, without a bias (the caller's next kernel adds it, fused). */
  void forwardWithoutBias(DeviceMatrix out, DeviceMatrix in, long weightOffset) {
    products.multiply(in, false, weights.weight(weightOffset, in.columns(), out.columns()), false, out, false);
  }

  /**
   * dIn = dOut W^T (replaced), dW += in^T dOut, db += column sums of dOut. In BF16 mode an fp32 dOut is converted
   * once and read by all three products.
   */
  void backward(DeviceMatrix dIn, DeviceMatrix dOut, DeviceMatrix in, long weightOffset, long biasOffset) {
    int inWidth = in.columns();
    int outWidth = dOut.columns();
    int n = dOut.rows();
    DeviceMatrix dOutOperand = products.asBf16InScratchB(dOut);
    products.multiply(dOutOperand, false, weights.weight(weightOffset, inWidth, outWidth), true, dIn, false);
    products.multiply(in, true, dOutOperand, false, weights.gradient(weightOffset, inWidth, outWidth), true);
    if (dOutOperand.stride() != outWidth) {
      throw new IllegalArgumentException("Cannot sum the bias gradient of a strided output gradient (row stride "
          + dOutOperand.stride() + ", width " + outWidth + "; internal error)");
    }
    bias.gradient(stream, weights.gradient(biasOffset), dOutOperand.address(),
        dOutOperand.storage() == DeviceMatrix.Storage.BF16, n, outWidth);
  }
}
