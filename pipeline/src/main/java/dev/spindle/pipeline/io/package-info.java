/**
 * The pipeline's JSON mapper ({@link dev.spindle.pipeline.io.Json}): every {@code report.json} is written with
 * snake_case keys and sorted map entries, so reruns diff cleanly. Reports are read back through the stages' own
 * records ({@code dev.spindle.pipeline.stage.StageReports}), not by key.
 */
package dev.spindle.pipeline.io;
