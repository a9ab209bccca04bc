/**
 * Training's Spark edge: one barrier task per trainer, Spark's barrier context adapted to the trainer's
 * {@code Rendezvous} (peer addresses and NCCL ids exchanged with {@code allGather}), the task's GPU address taken
 * from its resources, and each trainer's result brought back to the driver.
 */
package dev.spindle.pipeline.train.spark;
