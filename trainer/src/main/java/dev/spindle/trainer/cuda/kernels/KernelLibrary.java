package dev.spindle.trainer.cuda.kernels;

import dev.spindle.trainer.cuda.runtime.CudaDevice;

/**
 * The engine's kernels for one device, model width and head size: one launcher per kernel source (one source
 * file per layer under {@code /cuda/}), each checking its preconditions before the GPU sees the arguments.
 * Sources are compiled once per process (NVRTC, cached) and loaded into the device's context here; {@link #close}
 * unloads them. All addresses are device addresses of fp32, bf16 (where a launcher says so) or int32 token
 * arrays; shapes follow the kernel sources' comments.
 */
public final class KernelLibrary implements AutoCloseable {
  private final ModuleLoader loader;
  private final int headSize;
  private final EmbeddingKernels embedding;
  private final LayerNormKernels layerNorm;
  private final ResidualKernels residual;
  private final GeluKernels gelu;
  private final BiasKernels bias;
  private final CrossEntropyKernels crossEntropy;
  private final OptimizerKernels optimizer;
  private final AveragingKernels averaging;
  private final ConvertKernels convert;
  private final ChecksumKernels checksum;
  private final AttentionKernels attention;
  private final TensorCoreAttentionKernels tensorCoreAttention; // null unless requested and supported

  /**
   * @param width the model width C (LayerNorm's backward is built for it; the bias gradient's scratch holds 4C
   *     columns, the MLP's)
   * @param tensorCoreAttention load the bf16 tensor-core attention ({@code attention_tc.cu}) where the head size and
   *     device allow it ({@link TensorCoreAttentionKernels#supported})
   */
  public KernelLibrary(CudaDevice device, int width, int headSize, boolean tensorCoreAttention) {
    this.loader = new ModuleLoader(device);
    this.headSize = headSize;
    try {
      embedding = new EmbeddingKernels(loader);
      layerNorm = new LayerNormKernels(loader, width);
      residual = new ResidualKernels(loader, width);
      gelu = new GeluKernels(loader);
      bias = new BiasKernels(loader, 4 * width);
      crossEntropy = new CrossEntropyKernels(loader);
      optimizer = new OptimizerKernels(loader);
      averaging = new AveragingKernels(loader);
      convert = new ConvertKernels(loader);
      checksum = new ChecksumKernels(loader);
      attention = new AttentionKernels(loader, headSize);
      this.tensorCoreAttention = tensorCoreAttention
          && TensorCoreAttentionKernels.supported(headSize, device.computeMajor())
          ? new TensorCoreAttentionKernels(loader, headSize) : null;
    } catch (RuntimeException e) {
      loader.close();
      throw e;
    }
  }

  public EmbeddingKernels embedding() {
    return embedding;
  }

  public LayerNormKernels layerNorm() {
    return layerNorm;
  }

  public ResidualKernels residual() {
    return residual;
  }

  public GeluKernels gelu() {
    return gelu;
  }

  public BiasKernels bias() {
    return bias;
  }

  public CrossEntropyKernels crossEntropy() {
    return crossEntropy;
  }

  public OptimizerKernels optimizer() {
    return optimizer;
  }

  public AveragingKernels averaging() {
    return averaging;
  }

  public ConvertKernels convert() {
    return convert;
  }

  public ChecksumKernels checksum() {
    return checksum;
  }

  /** The fp32 attention kernels (always loaded: FP32 mode, unsupported head sizes, and the tensor cores' reference). */
  public AttentionKernels attention() {
    return attention;
  }

  /** Whether attention runs on the tensor cores (its activations are then bf16). */
  public boolean hasTensorCoreAttention() {
    return tensorCoreAttention != null;
  }

  public TensorCoreAttentionKernels tensorCoreAttention() {
    if (tensorCoreAttention == null) {
      throw new IllegalStateException("Tensor-core attention is not loaded for head size " + headSize
          + " (internal error: check hasTensorCoreAttention() first)");
    }
    return tensorCoreAttention;
  }

  @Override
  public void close() {
    loader.close();
  }
}
