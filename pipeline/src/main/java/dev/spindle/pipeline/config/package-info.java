/**
 * The run's configuration: {@link dev.spindle.pipeline.config.SpindleConfig} merges command-line flags, the user's
 * file (read as data by the {@code config} module: local includes only, no environment) and every module's
 * {@code reference.conf}, the one place defaults live. Each stage maps its own block onto its own record
 * ({@code IngestConfig}, {@code TokenizeConfig}, {@code DecomposeConfig}, {@code ExportConfig}; {@code DedupConfig},
 * {@code MixConfig} and {@code TrainingConfig} in their modules), each with a test that maps every key.
 */
package dev.spindle.pipeline.config;
