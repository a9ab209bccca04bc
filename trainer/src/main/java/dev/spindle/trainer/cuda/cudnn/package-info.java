/**
 * cuDNN's fused attention through its backend (graph) API: {@link dev.spindle.trainer.cuda.cudnn.CudnnAttention}
 * runs causal attention forward and backward as operation graphs ({@link dev.spindle.trainer.cuda.cudnn.AttentionGraphs})
 * over the engine's own packed layouts ({@link dev.spindle.trainer.cuda.cudnn.AttentionLayout}: Q, K, V read in place
 * inside qkv, the output and the gradients written in place), lets cuDNN's heuristics pick a fused engine once per shape
 * ({@link dev.spindle.trainer.cuda.cudnn.OperationGraph}, {@link dev.spindle.trainer.cuda.cudnn.ExecutionPlan}), and
 * runs the plans on the engine's stream. {@link dev.spindle.trainer.cuda.cudnn.Cudnn} loads the library (cuDNN 9,
 * {@code libcudnn.so.9} on the library path) and turns statuses into errors; descriptors are
 * {@link java.lang.AutoCloseable} ({@link dev.spindle.trainer.cuda.cudnn.BackendDescriptor}). No pointer leaves
 * the trainer's {@code cuda} packages.
 */
package dev.spindle.trainer.cuda.cudnn;
