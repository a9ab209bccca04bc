/**
 * Stage {@code report}: {@code report/index.html} with PNG charts (XChart) built from the committed stages of a run
 * ({@link dev.spindle.pipeline.RunLayout}): each stage's {@code report.json} read back into its own record, the
 * decompose manifest and the training metrics through theirs, and the unigram entropy of the trained tokens as the
 * baseline the loss is read against. A stage that has not run is listed as such; the report never fails a run for
 * a missing section, nor for a chart that a Java without font libraries cannot draw (the page says why instead).
 */
package dev.spindle.pipeline.report;
