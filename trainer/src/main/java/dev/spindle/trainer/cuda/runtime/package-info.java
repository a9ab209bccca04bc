/**
 * The CUDA runtime layer: thin wrappers over JavaCPP's CUDA, cuBLAS, NVRTC and NCCL bindings that check every
 * status ({@link dev.spindle.trainer.cuda.runtime.CudaChecks}) and own native memory and handles as
 * {@link java.lang.AutoCloseable}s. Above it, {@code cuda.kernels} launches the NVRTC-compiled kernels and
 * {@code cuda} is the engine. Nothing outside the trainer's {@code cuda} packages sees a pointer.
 */
package dev.spindle.trainer.cuda.runtime;
