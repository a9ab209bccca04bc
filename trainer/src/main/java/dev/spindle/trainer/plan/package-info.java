/**
 * The data side of training, decided once on the driver: the decompose stage's output contract ({@link
 * dev.spindle.trainer.plan.Manifest}, written by the decompose stage and read by training, the report and the export;
 * {@link dev.spindle.trainer.plan.BucketSchema}, the bucket files' columns), the step plan (curricula, constant
 * tokens per step, equal shares per trainer, fingerprint, {@code plan.json} for other tools) and the validation set.
 * No Spark here: the pipeline writes the buckets with Spark from these definitions.
 */
package dev.spindle.trainer.plan;
