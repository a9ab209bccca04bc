/**
 * The ground truth (test-jar): {@code ReferenceModel}, a double-precision plain-Java forward and backward of exactly
 * the engines' model; {@code ReferenceEngine}, the same as a training engine for cross-engine checkpoint tests;
 * {@code EngineContractSuite}, the contract every engine is run against; and {@code TokenBatches} for tests.
 */
package dev.spindle.trainer.reference;
