/** The tokenize + decompose benchmark on the medium corpus ({@code bench/decompose.sh}): histogram, attention cost, throughput. */
package dev.spindle.pipeline.decompose.bench;
