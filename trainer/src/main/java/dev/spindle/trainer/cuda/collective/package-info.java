/**
 * Collectives that average the CUDA engine's device vectors in place: {@link
 * dev.spindle.trainer.cuda.collective.NcclCollective} when each trainer has its own GPU, {@link
 * dev.spindle.trainer.cuda.collective.SharedDeviceCollective} when trainers of one JVM share a GPU (NCCL refuses
 * two ranks on one device). Chosen by {@code dev.spindle.trainer.launch}, never by name elsewhere.
 */
package dev.spindle.trainer.cuda.collective;
