package dev.spindle.trainer.cuda;

import dev.spindle.trainer.cuda.kernels.ConvertKernels;
import dev.spindle.trainer.cuda.runtime.CudaStream;
import dev.spindle.trainer.cuda.runtime.DeviceMemory;
import dev.spindle.trainer.engine.ModelConfig;

/**
 * The replica's parameter and gradient vectors (fp32, one allocation each, in
 * {@link dev.spindle.trainer.engine.ParameterLayout} order) and, in BF16 mode, the bf16 copy of the weights that
 * the products read, refreshed once after each change of the parameters. With a tied head in BF16 mode, wte's bf16
 * copy lives in its own buffer padded with zero rows to the logits stride, so the head's products have an aligned
 * vocabulary dimension (K = 50257 keeps cuBLAS off its fast kernels).
 */
final class DeviceParameters implements AutoCloseable {
  private final long count;
  private final boolean bf16;
  private final boolean paddedHead;
  private final long headOffset;
  private final long headSize;
  private final int paddedVocabulary;
  private final int width;
  private final DeviceMemory parameters;
  private final DeviceMemory gradients;
  private final DeviceMemory parametersBf16; // (P) bf16
  private final DeviceMemory headBf16; // (VP, C) bf16, rows V..VP-1 zero
  private boolean stale = true;

  DeviceParameters(ModelConfig model, ParameterOffsets offsets, Precision precision, CudaStream stream) {
    this.count = model.parameterCount();
    this.bf16 = precision == Precision.BF16;
    this.paddedHead = bf16 && model.tiedHead();
    this.headOffset = offsets.head;
    this.headSize = (long) model.vocabSize() * model.dModel();
    this.paddedVocabulary = ActivationBuffers.paddedVocabulary(model);
    this.width = model.dModel();
    this.parameters = DeviceMemory.floats(count, "parameters");
    DeviceMemory gradientsMemory = null;
    DeviceMemory bf16Memory = null;
    try {
      gradientsMemory = DeviceMemory.floats(count, "gradients");
      bf16Memory = new DeviceMemory(bf16 ? count * 2 : 2, "bf16 weights");
      this.headBf16 = new DeviceMemory(paddedHead ? (long) paddedVocabulary * width * 2 : 2, "padded bf16 head");
    } catch (RuntimeException e) {
      closeAll(bf16Memory, gradientsMemory, parameters);
      throw e;
    }
    this.gradients = gradientsMemory;
    this.parametersBf16 = bf16Memory;
    stream.zero(gradients.address(), gradients.bytes());
    stream.zero(headBf16.address(), headBf16.bytes());
  }

  long count() {
    return count;
  }

  DeviceMemory parameters() {
    return parameters;
  }

  DeviceMemory gradients() {
    return gradients;
  }

  /** Device address of parameter float {@code offset}. */
  long parameter(long offset) {
    return parameters.floatAddress(offset);
  }

  long gradient(long offset) {
    return gradients.floatAddress(offset);
  }

  /** The weight tensor at {@code offset} as a (rows, columns) matrix. */
  DeviceMatrix weight(long offset, int rows, int columns) {
    return DeviceMatrix.of(parameter(offset), DeviceMatrix.Storage.WEIGHT, rows, columns);
  }

  /** The gradient of the tensor at {@code offset} as an fp32 (rows, columns) matrix. */
  DeviceMatrix gradient(long offset, int rows, int columns) {
    return DeviceMatrix.fp32(gradient(offset), rows, columns);
  }

  boolean paddedHead() {
    return paddedHead;
  }

  /** BF16 mode, tied head: wte's padded bf16 copy, (VP, C). */
  DeviceMatrix paddedHeadMatrix() {
    if (!paddedHead) {
      throw new IllegalStateException("No padded head: only a tied head in BF16 mode has one (internal error)");
    }
    return DeviceMatrix.bf16(headBf16.address(), paddedVocabulary, width);
  }

  /** The bf16 copy of the weight element at device address {@code weightAddress} (BF16 mode). */
  long bf16Address(long weightAddress) {
    if (!bf16) {
      throw new IllegalStateException("No bf16 weights in FP32 mode (internal error)");
    }
    return parametersBf16.address() + (weightAddress - parameters.address()) / Float.BYTES * 2;
  }

  /** The parameters changed (update, averaging, load): the bf16 copy must be refreshed before the next product. */
  void markChanged() {
    stale = true;
  }

  /** Refreshes the bf16 copy if the parameters changed since the last refresh (BF16 mode; no-op in FP32). */
  void refreshBf16(CudaStream stream, ConvertKernels convert) {
    if (!bf16 || !stale) {
      return;
    }
    if (paddedHead) { // the head's products read wte from the padded copy (rows V..VP-1 stay zero)
      convert.toBf16(stream, headBf16.address(), parameter(headOffset), headSize);
      convertRange(stream, convert, 0, headOffset); // the rest of the weights, without converting wte twice
      convertRange(stream, convert, headOffset + headSize, count);
    } else {
      convertRange(stream, convert, 0, count);
    }
    stale = false;
  }

  private void convertRange(CudaStream stream, ConvertKernels convert, long from, long to) {
    if (to > from) {
      convert.toBf16(stream, parametersBf16.address() + from * 2, parameter(from), to - from);
    }
  }

  private static void closeAll(AutoCloseable... resources) {
    for (AutoCloseable resource : resources) {
      if (resource != null) {
        try {
          resource.close();
        } catch (Exception ignored) {
          // already failing: the first error is the one to report
        }
      }
    }
  }

  @Override
  public void close() {
    try (parameters; gradients; parametersBf16; headBf16) {
      // closed in reverse order by try-with-resources
    }
  }
}
