/**
 * The mix stage on Spark: (source, id, n_tokens) go to the driver, the plan comes back as a small placement table,
 * and the pieces are joined to their documents' tokens on the executors and written in global order into files
 * of contiguous positions. The token arrays never reach the driver; {@link dev.spindle.mixing.spark.MixReport}
 * is returned, and the stage runner writes it.
 */
package dev.spindle.mixing.spark;
