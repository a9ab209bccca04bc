/**
 * CPU training benchmarks ({@code bench/engine-cpu.sh}, {@code bench/train.sh}, {@code bench/feed.sh}): engine
 * throughput against the reference model, input wait and sync shares for 1..4 trainers, and the Arrow feed's
 * capacity against a GPU trainer's consumption.
 */
package dev.spindle.trainer.bench;
