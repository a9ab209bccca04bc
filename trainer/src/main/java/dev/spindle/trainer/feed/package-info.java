/**
 * The batch feed: reads each trainer's share of every step from the decompose stage's Parquet buckets straight into
 * off-heap Arrow buffers on a prefetch thread (bounded memory, row-group seeking, leak checks) and hands them to the
 * engine, which copies them to its GPU asynchronously or reads them in place.
 */
package dev.spindle.trainer.feed;
