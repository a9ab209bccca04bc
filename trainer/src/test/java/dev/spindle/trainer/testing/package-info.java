/**
 * Test fixtures shared through the trainer's test-jar: {@code Buckets} writes a decompose directory (bucket files in
 * the one bucket schema, a manifest built through its records) for the trainer's and the pipeline's tests;
 * {@code RankThreads} runs one task per rank concurrently, as collective members and trainers run.
 */
package dev.spindle.trainer.testing;
