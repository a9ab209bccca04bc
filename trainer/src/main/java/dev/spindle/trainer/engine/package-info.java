/**
 * The engine contract every trainer implementation meets: {@link dev.spindle.trainer.engine.TrainingEngine} (forward
 * and backward on {@link dev.spindle.trainer.engine.TokenBatch}es, optimizer steps, parameters as flat float32
 * vectors in {@link dev.spindle.trainer.engine.ParameterLayout} order, a parameter checksum, optimizer state in the
 * one file format), the model it computes ({@link dev.spindle.trainer.engine.ModelConfig}: GPT-2 style, learned
 * positions, pre-LayerNorm, GELU-tanh, tied or untied head), shared initial parameters, and the
 * {@link dev.spindle.trainer.engine.EngineProvider} service (found by name; its accelerator says whether replicas
 * need GPUs). Implementations: {@code dl4j} (CPU) and {@code cuda} (GPU) in main; a bigram and a double-precision
 * reference engine in the test-jar.
 */
package dev.spindle.trainer.engine;
