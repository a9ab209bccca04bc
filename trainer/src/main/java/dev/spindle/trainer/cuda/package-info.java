/**
 * The CUDA engine: {@code CudaEngine} (forward as a flat list of layer calls, backward in reverse) over the
 * replica's device vectors, with its optimizer, products and host transfers as their own classes. Below it,
 * {@code cuda.kernels} (one launcher per CUDA source), {@code cuda.cudnn} (cuDNN's fused attention, chosen by
 * {@code AttentionChoice}) and {@code cuda.runtime} (status-checking wrappers); beside it, {@code cuda.collective}
 * (NCCL and shared-device averaging). No pointer leaves these packages.
 */
package dev.spindle.trainer.cuda;
