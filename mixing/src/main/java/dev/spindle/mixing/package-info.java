/**
 * Token-weighted mixing as pure logic, without Spark: the mixture spec and the stage's config
 * ({@code spindle.mix}, defaults in this module's {@code reference.conf} only), seeded per-source document streams
 * with epoch caps, whole-token shares per phase, and the greedy blender that orders the pieces. The plan depends
 * only on (source, id, n_tokens), the spec and the seed; documents crossing a share's boundary are cut there.
 * The Spark wiring is in {@code dev.spindle.mixing.spark}, the RegMix search in {@code dev.spindle.mixing.regmix}.
 */
package dev.spindle.mixing;
