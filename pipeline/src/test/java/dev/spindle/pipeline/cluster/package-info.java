/**
 * Spark outside the test JVM: a Spark installation assembled from the jars the build resolved
 * ({@link dev.spindle.pipeline.cluster.SparkDistribution}), child JVMs that cannot outlive the test
 * ({@link dev.spindle.pipeline.cluster.ChildJvms}), a standalone cluster of one Master and several Workers on
 * 127.0.0.1 ({@link dev.spindle.pipeline.cluster.StandaloneCluster}), and what two runs must agree on wherever they
 * ran ({@link dev.spindle.pipeline.cluster.RunContents}). Used by {@code SparkSubmitIT}, {@code StandaloneClusterIT}
 * and {@code bench/cluster.sh}.
 */
package dev.spindle.pipeline.cluster;
