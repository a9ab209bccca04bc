/**
 * One replica's training loop ({@link dev.spindle.trainer.loop.Trainer}): feed, gradients, sync, agreement check,
 * metrics ({@code metrics.jsonl}), validation, checkpoints and exact resume; the settings a run's trainers share
 * and what each reports.
 */
package dev.spindle.trainer.loop;
