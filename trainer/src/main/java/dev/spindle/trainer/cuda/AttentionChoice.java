package dev.spindle.trainer.cuda;

import dev.spindle.trainer.cuda.cudnn.Cudnn;
import dev.spindle.trainer.cuda.cudnn.CudnnAttention;
import dev.spindle.trainer.cuda.kernels.KernelLibrary;
import java.lang.System.Logger.Level;

/**
 * Resolves {@code spindle.train.cuda.attention} for a bf16 engine: {@code cudnn} (deterministic) and
 * {@code cudnn-nondeterministic} need cuDNN 9 and fail clearly without it; {@code auto} takes deterministic cuDNN
 * attention where the library loads (the fastest measured, see bench/RESULTS.md), falling back shape by shape to
 * Spindle's tensor-core kernels, and those kernels where it does not; {@code mma-sync} is Spindle's kernels.
 */
final class AttentionChoice {
  private static final System.Logger LOG = System.getLogger(AttentionChoice.class.getName());

  private AttentionChoice() {}

  /**
   * Refuses an explicit cuDNN choice the engine would not use: bf16 attention (cuDNN's or Spindle's kernels) runs at
   * the tensor-core head sizes (32, 64) on compute capability 8.0+; other models take the fp32 attention kernels.
   */
  static void requireApplicable(String option, boolean bf16, boolean tensorCoreAttention, int headSize) {
    if (bf16 && !tensorCoreAttention && option.startsWith("cudnn")) {
      throw new IllegalArgumentException("Cannot use spindle.train.cuda.attention = " + option + " at head size "
          + headSize + " on this device: bf16 attention runs at head sizes 32 and 64 on compute capability 8.0 or"
          + " newer; this model uses the fp32 attention kernels (set attention = auto)");
    }
  }

  /** The cuDNN attention to run, or null when the library's tensor-core kernels run. */
  static CudnnAttention cudnn(String option, KernelLibrary kernels, int headSize) {
    return switch (option) {
      case "cudnn", "cudnn-nondeterministic" -> {
        if (!Cudnn.available()) {
          throw new IllegalStateException("Cannot use spindle.train.cuda.attention = " + option + ": "
              + Cudnn.reason());
        }
        yield new CudnnAttention(headSize, option.equals("cudnn"), null);
      }
      case "auto" -> {
        if (!Cudnn.available()) {
          LOG.log(Level.INFO, "Attention runs on Spindle's tensor-core kernels: " + Cudnn.reason());
          yield null;
        }
        yield new CudnnAttention(headSize, true, kernels.tensorCoreAttention());
      }
      default -> null;
    };
  }
}
