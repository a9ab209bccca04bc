/**
 * Stage and command {@code export}: a trained checkpoint as a Hugging Face GPT-2 directory ({@code model.safetensors},
 * {@code config.json}, and for GPT-2's own tokenizer r50k the byte-level BPE files {@code vocab.json} +
 * {@code merges.txt} derived from the encoding's ranks), plus a short greedy sample by Spindle's own engine for the
 * run report. The tensor formats live in the trainer module ({@code dev.spindle.trainer.export}); this package adds
 * what needs the tokenizer library and the run's configuration. No Spark: the stage only reads and writes files.
 */
package dev.spindle.pipeline.export;
