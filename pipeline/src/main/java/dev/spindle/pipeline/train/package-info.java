/**
 * Stage {@code train}: the decompose manifest (input {@code data}) and {@code spindle.train} become a
 * {@code TrainingJob} on the driver (step plan, model, validation set; memory, measured per engine shape by
 * {@code bench/memory-estimate.sh}, and the GPU a GPU engine needs, checked before the work directory exists), the
 * trainers run as one Spark barrier stage ({@code train.spark}), and {@code summary.json} (also the stage's report)
 * says what was trained and where the time went. Resumable: a failed run keeps its work directory and continues
 * from its newest checkpoint. The training itself is the trainer module's.
 */
package dev.spindle.pipeline.train;
