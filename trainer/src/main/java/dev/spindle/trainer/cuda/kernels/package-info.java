/**
 * The kernels layer: one launcher class per CUDA source under {@code /cuda/} ({@code embedding.cu} →
 * {@link dev.spindle.trainer.cuda.kernels.EmbeddingKernels}, ...), each asserting its preconditions in Java so a
 * bad shape fails with a message instead of a GPU fault; {@link dev.spindle.trainer.cuda.kernels.KernelLibrary}
 * compiles (NVRTC, per device architecture, width and head size) and loads them for the engine.
 * {@link dev.spindle.trainer.cuda.kernels.Bf16Attention} is the bf16 attention's contract, met by the tensor-core
 * kernels here and by cuDNN's fused attention ({@code cuda.cudnn}). Built on {@code cuda.runtime}; knows nothing of
 * models or training.
 */
package dev.spindle.trainer.cuda.kernels;
