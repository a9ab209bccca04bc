/**
 * The Spindle application: {@link dev.spindle.pipeline.Main} (the command line, also the spark-submit class),
 * {@link dev.spindle.pipeline.Pipeline} (which stage reads which folder of a run directory: ingest, dedup,
 * tokenize, mix, decompose, train, export, report), {@link dev.spindle.pipeline.RunLayout} (the one place the run
 * directory's folders and well-known files are named) and {@link dev.spindle.pipeline.SpindleException} (the one
 * error type; its kind is the exit code: 2 user, 3 environment, 70 bug). Stages live in one package each;
 * {@code stage} holds the runner every stage goes through. The on-disk contracts have one owner each: the document
 * tables ({@code dev.spindle.schema.Docs}), the tokenizer record ({@code tokenize.TokenizerRecord}), the manifest and
 * bucket files ({@code dev.spindle.trainer.plan}), each stage's {@code report.json} (its report record).
 */
package dev.spindle.pipeline;
