/** Tokenize's Spark edge: tokenizing a docs dataset per partition, and counting documents and tokens per source. */
package dev.spindle.pipeline.tokenize.spark;
