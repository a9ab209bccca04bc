/**
 * The data side of training, decided once on the driver: the decompose manifest, the step plan (curricula, constant
 * tokens per step, equal shares per trainer, fingerprint, {@code plan.json} for other tools) and the validation set.
 */
package dev.spindle.trainer.plan;
