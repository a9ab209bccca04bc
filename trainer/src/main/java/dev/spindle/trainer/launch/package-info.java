/**
 * Starting trainers: {@link dev.spindle.trainer.launch.TrainingConfig} reads {@code spindle.train} into the
 * trainer's records and builds a {@link dev.spindle.trainer.launch.TrainingJob}; {@link
 * dev.spindle.trainer.launch.TrainerLaunch} runs one trainer of it wherever it was scheduled (a Spark barrier task,
 * or a thread of {@link dev.spindle.trainer.launch.LocalTraining}), placing it on a GPU when its engine needs one
 * and choosing the collective from where the trainers landed. The only trainer package that knows both the
 * engines and the collectives; no Spark imports (the pipeline adapts Spark's barrier context to a
 * {@link dev.spindle.trainer.collective.Rendezvous}).
 */
package dev.spindle.trainer.launch;
