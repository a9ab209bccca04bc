/**
 * Mixing benchmarks ({@code bench/mix.sh}, {@code bench/mix-regmix.sh}): exact shares and prefix deviation on the
 * medium corpus, and RegMix against the best proxy run on a synthetic loss surface.
 */
package dev.spindle.mixing.bench;
