/**
 * The mix stage as the pipeline runs it: {@code spindle.mix} read by the mixing module's config record, the mix
 * run by {@code dev.spindle.mixing.spark.SparkMixer}, its report returned to the stage runner.
 */
package dev.spindle.pipeline.mix;
