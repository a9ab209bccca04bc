/**
 * The {@code bigram} engine (test-jar): a tiny plain-Java language model in the shared parameter layout, registered
 * as an engine only on test classpaths, so the loop, checkpoints, collectives and Spark stages are tested fast and
 * without native libraries.
 */
package dev.spindle.trainer.engine.bigram;
