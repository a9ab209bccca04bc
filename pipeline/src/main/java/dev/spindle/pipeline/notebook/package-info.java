/**
 * What the Zeppelin notes ({@code notebooks/*.zpln}) call: {@link dev.spindle.pipeline.notebook.RunViews} registers
 * a run's committed outputs as Spark SQL views, at the paths {@link dev.spindle.pipeline.RunLayout} names. Kept to
 * one call so the notes' Scala stays trivial; {@code NotebooksTest} runs every SQL paragraph against the demo run.
 */
package dev.spindle.pipeline.notebook;
