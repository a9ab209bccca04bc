/**
 * The Spindle application: {@link dev.spindle.pipeline.Main} (the command line, also the spark-submit class),
 * {@link dev.spindle.pipeline.Pipeline} (which stage reads which folder of a run directory: ingest, dedup,
 * tokenize, mix, decompose, train, report) and {@link dev.spindle.pipeline.SpindleException} (the one error type;
 * its kind is the exit code: 2 user, 3 environment, 70 bug). Stages live in one package each; {@code stage} holds
 * the runner every stage goes through.
 */
package dev.spindle.pipeline;
