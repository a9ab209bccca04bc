package dev.spindle.pipeline.decompose;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.spindle.trainer.plan.Bucket;
import dev.spindle.trainer.plan.Manifest;
import java.util.List;

/**
 * What {@code decompose} reports ({@code report.json}): the manifest's totals, the bucket histogram with each
 * bucket's share of tokens and its attention cost (sum of L² over its sequences, the quadratic term DD saves), and
 * throughput in document tokens per second over the whole stage.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record DecomposeReport(
    String mode, String tokenizer, Manifest.Totals totals, boolean conserved, List<BucketLine> histogram,
    double attentionCostPerToken, double seconds, double tokensPerSecond) {
  public DecomposeReport {
    histogram = List.copyOf(histogram);
  }

  /** One bucket's line of the histogram. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record BucketLine(int length, long sequences, long tokens, double tokenShare, double attentionCost) {}

  public static DecomposeReport of(Manifest manifest, double seconds) {
    long bucketTokens = manifest.totals().bucketTokens();
    double cost = 0;
    List<BucketLine> lines = new java.util.ArrayList<>();
    for (Bucket bucket : manifest.buckets()) {
      double bucketCost = (double) bucket.sequences() * bucket.length() * bucket.length();
      cost += bucketCost;
      lines.add(new BucketLine(bucket.length(), bucket.sequences(), bucket.tokens(),
          bucketTokens == 0 ? 0 : (double) bucket.tokens() / bucketTokens, bucketCost));
    }
    return new DecomposeReport(manifest.mode(), manifest.tokenizer(), manifest.totals(),
        manifest.totals().conserved(), lines, bucketTokens == 0 ? 0 : cost / bucketTokens, seconds,
        manifest.totals().documentTokens() / Math.max(seconds, 1e-9));
  }
}
