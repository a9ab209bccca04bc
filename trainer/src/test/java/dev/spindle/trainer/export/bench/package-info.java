/**
 * The Java mains of the GPU model checks ({@code bench/parity.sh}, {@code bench/hf_check.py}): a parity run
 * PyTorch replays batch for batch, logits dumps as {@code .npy}, rows of a bucket by global index; kept working on
 * CPU by {@code BenchMainsTest}.
 */
package dev.spindle.trainer.export.bench;
