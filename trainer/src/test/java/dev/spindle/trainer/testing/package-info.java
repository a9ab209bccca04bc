/**
 * Test fixtures shared through the trainer's test-jar: {@code Buckets} writes a decompose directory (bucket files in
 * the one bucket schema, a manifest built through its records) for the trainer's and the pipeline's tests.
 */
package dev.spindle.trainer.testing;
