/**
 * How replicas average: the {@link dev.spindle.trainer.collective.Collective} contract (mean all-reduce, barrier,
 * failure within a timeout naming the peer), the host collectives (in-process for threads of one JVM, a TCP ring
 * between processes), and the pure decision of which collective a run uses from where its trainers landed
 * ({@link dev.spindle.trainer.collective.CollectiveChoice}; the device collectives live in {@code cuda.collective}).
 */
package dev.spindle.trainer.collective;
