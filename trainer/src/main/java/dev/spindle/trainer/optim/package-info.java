/**
 * Host optimizers and the one optimizer-state format: {@link dev.spindle.trainer.optim.AdamW} (decoupled decay,
 * bias correction, global-norm clipping), the weight-decay rule every engine applies
 * ({@link dev.spindle.trainer.optim.WeightDecay}), and {@link dev.spindle.trainer.optim.OptimizerStateFile}, which
 * every engine writes and reads (streamed, checksummed), so a checkpoint resumes on any engine.
 */
package dev.spindle.trainer.optim;
