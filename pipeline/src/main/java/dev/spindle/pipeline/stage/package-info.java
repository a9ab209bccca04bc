/**
 * The stage contract and the runner every stage goes through. {@link dev.spindle.pipeline.stage.StageRunner}:
 * lock the output ({@link dev.spindle.pipeline.stage.OutputLock}, pid + host, stale locks taken over), recover a
 * commit a killed run left half done, refuse outputs that are not Spindle's or overlap an input
 * ({@link dev.spindle.pipeline.stage.Ownership}), skip a stage committed with the same fingerprint, run it into
 * {@code <out>._tmp}, add seconds, Parquet row counts and the record {@link dev.spindle.pipeline.stage.Accounting}
 * (read = kept + removed + rejected, chained from upstream) to its {@code report.json}, then commit by renaming the
 * old output aside, the new one in, and deleting the old ({@code StageCommit}). On-disk markers: {@code _SUCCESS}
 * (the fingerprint, 64 hex digits), {@code _SPINDLE_WORK} (an uncommitted work directory), {@code _RESUMABLE}.
 */
package dev.spindle.pipeline.stage;
