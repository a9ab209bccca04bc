/**
 * Atomic, checksummed checkpoints ({@code checkpoints/step-N/}: parameters, each rank's optimizer state, plan
 * position); the newest valid one is found on resume, corrupt ones are skipped.
 */
package dev.spindle.trainer.checkpoint;
