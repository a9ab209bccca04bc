/**
 * The document tables the stages hand to each other ({@link dev.spindle.schema.Docs}): defined here once so that
 * dedup and mixing, which cannot see the pipeline or each other, and the pipeline's ingest, tokenize, mix and
 * decompose stages agree on their columns. Spark schemas only, no logic.
 */
package dev.spindle.schema;
