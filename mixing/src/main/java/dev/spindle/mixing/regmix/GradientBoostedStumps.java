package dev.spindle.mixing.regmix;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Gradient boosting of depth-1 regression trees (stumps) on squared loss, shrinkage 0.1: a small non-linear
 * model in the spirit of RegMix's LightGBM that needs no library. Split points are midpoints between
 * neighbouring distinct weights; ties are broken by feature index, so fitting is deterministic.
 */
final class GradientBoostedStumps implements Regressor {
  private static final double SHRINKAGE = 0.1;
  private static final int MIN_LEAF = 2;

  private record Stump(int feature, double threshold, double left, double right) {
    double apply(double[] weights) {
      return weights[feature] <= threshold ? left : right;
    }
  }

  private final double base;
  private final List<Stump> stumps;

  private GradientBoostedStumps(double base, List<Stump> stumps) {
    this.base = base;
    this.stumps = List.copyOf(stumps);
  }

  static GradientBoostedStumps fit(double[][] weights, double[] losses, double rounds) {
    int n = weights.length;
    int k = weights[0].length;
    double base = Arrays.stream(losses).average().orElse(0);
    double[] residual = new double[n];
    for (int i = 0; i < n; i++) {
      residual[i] = losses[i] - base;
    }
    Integer[][] sorted = new Integer[k][];
    for (int feature = 0; feature < k; feature++) {
      final int f = feature;
      sorted[f] = new Integer[n];
      for (int i = 0; i < n; i++) {
        sorted[f][i] = i;
      }
      Arrays.sort(sorted[f], Comparator.comparingDouble(i -> weights[i][f]));
    }
    List<Stump> stumps = new ArrayList<>();
    for (int round = 0; round < (int) rounds; round++) {
      Stump best = null;
      double bestGain = 0;
      double total = Arrays.stream(residual).sum();
      for (int feature = 0; feature < k; feature++) {
        double leftSum = 0;
        for (int split = 1; split < n; split++) {
          int previous = sorted[feature][split - 1];
          leftSum += residual[previous];
          double here = weights[sorted[feature][split]][feature];
          double before = weights[previous][feature];
          if (here == before || split < MIN_LEAF || n - split < MIN_LEAF) {
            continue;
          }
          double rightSum = total - leftSum;
          double gain = leftSum * leftSum / split + rightSum * rightSum / (n - split);
          if (gain > bestGain + 1e-15) {
            bestGain = gain;
            best = new Stump(feature, (here + before) / 2, leftSum / split, rightSum / (n - split));
          }
        }
      }
      if (best == null) {
        break;
      }
      Stump shrunk = new Stump(best.feature(), best.threshold(), best.left() * SHRINKAGE, best.right() * SHRINKAGE);
      stumps.add(shrunk);
      for (int i = 0; i < n; i++) {
        residual[i] -= shrunk.apply(weights[i]);
      }
    }
    return new GradientBoostedStumps(base, stumps);
  }

  @Override
  public double predict(double[] weights) {
    double value = base;
    for (Stump stump : stumps) {
      value += stump.apply(weights);
    }
    return value;
  }
}
