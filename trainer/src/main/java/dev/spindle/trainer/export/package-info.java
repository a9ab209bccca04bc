/**
 * A trained Spindle model in other tools' formats, without Spark: a safetensors writer and reader
 * ({@link dev.spindle.trainer.export.SafetensorsWriter}, {@link dev.spindle.trainer.export.SafetensorsFile}), the
 * mapping of {@link dev.spindle.trainer.engine.ParameterLayout} onto Hugging Face transformers' GPT-2 names and
 * {@code config.json} ({@link dev.spindle.trainer.export.HuggingFaceExport}), the description of what a run trained
 * ({@link dev.spindle.trainer.export.ModelDescription}, {@code train/model.json}) and greedy decoding through any
 * engine's logits ({@link dev.spindle.trainer.export.GreedyDecoding}).
 *
 * <p>Non-goals: other model families than GPT-2, half-precision or sharded files, tokenizer files (they depend on
 * the tokenizer library, which lives in the pipeline module).
 */
package dev.spindle.trainer.export;
