/**
 * Spark plumbing shared by the stages: the session ({@link dev.spindle.pipeline.spark.SparkSessions}) and the log
 * filter that keeps user errors raised inside tasks to one line ({@link dev.spindle.pipeline.spark.UserErrorLogFilter}).
 */
package dev.spindle.pipeline.spark;
