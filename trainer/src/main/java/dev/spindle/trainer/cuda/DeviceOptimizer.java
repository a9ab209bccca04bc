package dev.spindle.trainer.cuda;

import dev.spindle.trainer.cuda.kernels.OptimizerKernels;
import dev.spindle.trainer.cuda.runtime.CudaStream;
import dev.spindle.trainer.cuda.runtime.DeviceMemory;
import dev.spindle.trainer.engine.OptimizerConfig;
import dev.spindle.trainer.optim.OptimizerStateFile;
import java.nio.file.Path;

/**
 * AdamW (or SGD) on the device over the replica's fp32 parameters: global-norm clipping folded into the update,
 * bias-corrected moments, decoupled weight decay on the tensors {@link dev.spindle.trainer.optim.WeightDecay}
 * selects (the same rule and arithmetic order as the host {@link dev.spindle.trainer.optim.AdamW}, in fp32).
 * Its state is saved in the one {@link OptimizerStateFile} format, streamed from the device.
 */
final class DeviceOptimizer implements AutoCloseable {
  private final OptimizerConfig config;
  private final ParameterOffsets offsets;
  private final long count;
  private final OptimizerKernels kernels;
  private final HostTransfers transfers;
  private final DeviceMemory firstMoment;
  private final DeviceMemory secondMoment;
  private final DeviceMemory norm;
  private long updates;

  DeviceOptimizer(OptimizerConfig config, ParameterOffsets offsets, long count, OptimizerKernels kernels,
      HostTransfers transfers, CudaStream stream) {
    this.config = config;
    this.offsets = offsets;
    this.count = count;
    this.kernels = kernels;
    this.transfers = transfers;
    boolean adam = adam();
    this.firstMoment = DeviceMemory.floats(adam ? count : 1, "AdamW first moment");
    this.secondMoment = DeviceMemory.floats(adam ? count : 1, "AdamW second moment");
    this.norm = new DeviceMemory(Double.BYTES, "gradient norm");
    stream.zero(firstMoment.address(), firstMoment.bytes());
    stream.zero(secondMoment.address(), secondMoment.bytes());
  }

  private boolean adam() {
    return config.kind().equals("adamw");
  }

  /** One update of {@code parameters} with {@code gradients} at schedule position {@code step}; returns the rate. */
  double apply(CudaStream stream, DeviceParameters vectors, long step, StepProfile profile) {
    double learningRate = config.learningRateAt(step);
    float gradScale = (float) clippingScale(stream, vectors);
    profile.mark("clipping");
    long parameters = vectors.parameters().address();
    long gradients = vectors.gradients().address();
    updates++;
    if (!adam()) {
      kernels.sgd(stream, parameters, gradients, count, (float) learningRate, gradScale);
    } else {
      float beta1Correction = (float) (1 - Math.pow(config.beta1(), updates));
      float beta2Correction = (float) (1 - Math.pow(config.beta2(), updates));
      for (ParameterOffsets.DecayRange range : offsets.decayRanges) {
        long offset = range.offset() * Float.BYTES;
        kernels.adamw(stream, parameters + offset, gradients + offset, firstMoment.address() + offset,
            secondMoment.address() + offset, range.size(), (float) learningRate, (float) config.beta1(),
            (float) config.beta2(), beta1Correction, beta2Correction, (float) config.epsilon(),
            range.decays() ? (float) config.weightDecay() : 0f, gradScale);
      }
    }
    profile.mark("optimizer");
    vectors.markChanged();
    return learningRate;
  }

  /** Global-norm clipping factor (1 when clipping is off or the norm is within the limit). */
  private double clippingScale(CudaStream stream, DeviceParameters vectors) {
    if (!(config.gradientClip() > 0)) {
      return 1.0;
    }
    stream.zero(norm.address(), Double.BYTES);
    kernels.sumOfSquares(stream, vectors.gradients().address(), count, norm.address());
    double total = Math.sqrt(transfers.readEightBytes(norm.address()).getDouble(0));
    if (!Double.isFinite(total)) {
      throw new IllegalStateException("Cannot update parameters: the gradient norm is " + total
          + " (diverged; lower the learning rate or check the data)");
    }
    return total > config.gradientClip() ? config.gradientClip() / total : 1.0;
  }

  void save(Path directory) {
    OptimizerStateFile.Header header = new OptimizerStateFile.Header(config.kind(), count, updates, adam() ? count : 0);
    OptimizerStateFile.write(directory, header, (moment, out) ->
        transfers.toChannel((moment == 0 ? firstMoment : secondMoment).address(), header.momentLength(), out));
  }

  /**
   * Loads a saved state. The moments stream into device memory before the file's checksum is verified at its end:
   * a corrupt file fails the load (and with it the run) after overwriting them, never silently.
   */
  void load(Path directory) {
    OptimizerStateFile.Header header = OptimizerStateFile.read(directory, count, (state, moment, in) -> {
      if (!state.kind().equals(config.kind())) {
        throw new IllegalStateException("Cannot load optimizer state from " + directory + ": it was saved by "
            + state.kind() + ", this run uses " + config.kind());
      }
      transfers.fromChannel(in, (moment == 0 ? firstMoment : secondMoment).address(), state.momentLength());
    });
    if (!header.kind().equals(config.kind())) { // also for a file whose moments are empty (sgd)
      throw new IllegalStateException("Cannot load optimizer state from " + directory + ": it was saved by "
          + header.kind() + ", this run uses " + config.kind());
    }
    updates = header.updateCount();
  }

  @Override
  public void close() {
    try (firstMoment; secondMoment; norm) {
      // freed in reverse order
    }
  }
}
