/**
 * Stage {@code tokenize}: tokenizers (jtokkit's r50k/p50k/cl100k/o200k and a byte-level one for tests) behind
 * {@link dev.spindle.pipeline.tokenize.Tokenizer}, the stage and its config and report. Every document is kept: its
 * tokens end with EOS.
 */
package dev.spindle.pipeline.tokenize;
