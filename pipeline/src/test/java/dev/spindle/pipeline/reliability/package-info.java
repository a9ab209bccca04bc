/**
 * The data-safety catalogue through the real command line and child JVMs: bad inputs and outputs (one line, exit
 * 2), injected faults (task retries, SIGKILL, corrupt checkpoints, a crash between the commit's renames), and seeded
 * corrupt-input fuzzing; every report still reconciles. Outcomes go to {@code target/reliability-*.md}.
 */
package dev.spindle.pipeline.reliability;
