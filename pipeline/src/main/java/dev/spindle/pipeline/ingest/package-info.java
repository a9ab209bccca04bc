/**
 * Stage {@code ingest}, pure logic apart from its {@code spark} package: inputs ({@code SOURCE=PATH}) expanded into
 * files ({@link dev.spindle.pipeline.ingest.InputFiles}), each read record by record
 * ({@link dev.spindle.pipeline.ingest.InputFileReader}: JSON Lines plain, gzip (own multi-member reader that reports
 * truncation and trailing garbage with the byte) or zstd, and Parquet row groups with page checksums), every record
 * a document or a rejection with its {@code file:line} and reason. Documents become {@code docs} (id, source, text,
 * bytes, then a nullable double column per field of {@code ingest.numeric-fields}, e.g. the score of
 * {@code dedup.keep = score:quality}). A file that breaks stops the run with one line
 * ({@code ingest.corrupt-files = fail}) or becomes one more rejection after its readable records
 * ({@code quarantine}). Config: {@link dev.spindle.pipeline.ingest.IngestConfig}, defaults in {@code reference.conf}.
 */
package dev.spindle.pipeline.ingest;
