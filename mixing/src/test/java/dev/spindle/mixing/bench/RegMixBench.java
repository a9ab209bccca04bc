package dev.spindle.mixing.bench;

import dev.spindle.mixing.regmix.ModelFit;
import dev.spindle.mixing.regmix.ProxyRuns;
import dev.spindle.mixing.regmix.RegMix;
import dev.spindle.mixing.regmix.RegMixResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * RegMix on a synthetic 7-source loss surface (a convex quadratic with a known interior optimum plus noise):
 * how close each model's recommended mixture gets to the true optimum, measured as true excess loss, against
 * the baseline of simply taking the best of the proxy runs. Needs no corpus.
 *
 * <p>Usage: {@code bench/mix-regmix.sh [runs] [noise]} (defaults 64 runs, noise 0.005).
 */
public final class RegMixBench {
  private static final int SOURCES = 7;

  public static void main(String[] args) {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 64;
    double noise = args.length > 1 ? Double.parseDouble(args[1]) : 0.005;
    Random random = new Random(17);
    double[] optimum = new double[SOURCES];
    double sum = 0;
    for (int s = 0; s < SOURCES; s++) {
      optimum[s] = 0.3 + random.nextDouble();
      sum += optimum[s];
    }
    for (int s = 0; s < SOURCES; s++) {
      optimum[s] /= sum;
    }
    double[][] factor = new double[SOURCES][SOURCES];
    for (double[] row : factor) {
      for (int j = 0; j < SOURCES; j++) {
        row[j] = random.nextGaussian();
      }
    }
    double[][] curvature = new double[SOURCES][SOURCES];
    for (int i = 0; i < SOURCES; i++) {
      for (int j = 0; j < SOURCES; j++) {
        for (int k = 0; k < SOURCES; k++) {
          curvature[i][j] += factor[k][i] * factor[k][j] / SOURCES;
        }
      }
      curvature[i][i] += 0.5;
    }
    List<String> names = new ArrayList<>();
    for (int s = 0; s < SOURCES; s++) {
      names.add("source" + s);
    }
    double[][] weights = new double[runs][];
    double[] losses = new double[runs];
    double bestProxyTrue = Double.POSITIVE_INFINITY;
    double bestProxyMeasured = Double.POSITIVE_INFINITY;
    for (int run = 0; run < runs; run++) {
      weights[run] = dirichlet(random, SOURCES);
      double trueLoss = loss(weights[run], optimum, curvature);
      losses[run] = trueLoss + noise * random.nextGaussian();
      if (losses[run] < bestProxyMeasured) {
        bestProxyMeasured = losses[run];
        bestProxyTrue = trueLoss;
      }
    }
    long start = System.nanoTime();
    RegMixResult result = RegMix.search(new ProxyRuns(names, weights, losses), 5);
    double seconds = (System.nanoTime() - start) / 1e9;

    System.out.printf(Locale.ROOT, "%d sources, %d proxy runs, noise sd %.4f; true minimum loss 2.0000%n",
        SOURCES, runs, noise);
    System.out.printf(Locale.ROOT, "search (3 models, CV penalty choice, 50k samples + refinement each): %.2f s%n", seconds);
    System.out.printf(Locale.ROOT, "baseline best proxy run: true excess loss %.5f%n", bestProxyTrue - 2);
    System.out.println("model            cvR2     cvRMSE   predicted  true-excess  max|w-w*|  vs-baseline");
    for (ModelFit fit : result.models()) {
      double[] chosen = names.stream().mapToDouble(name -> fit.weights().get(name)).toArray();
      double maxError = 0;
      for (int s = 0; s < SOURCES; s++) {
        maxError = Math.max(maxError, Math.abs(chosen[s] - optimum[s]));
      }
      double excess = loss(chosen, optimum, curvature) - 2;
      System.out.printf(Locale.ROOT, "%-15s %6.3f %10.5f %10.4f %12.5f %10.4f %11.1fx%n", fit.model(),
          fit.crossValidatedR2(), fit.crossValidatedRmse(), fit.predictedLoss(), excess, maxError,
          (bestProxyTrue - 2) / Math.max(excess, 1e-9));
    }
    System.out.println("recommended: " + result.bestModel());
  }

  private static double loss(double[] weights, double[] optimum, double[][] curvature) {
    double value = 2;
    for (int i = 0; i < weights.length; i++) {
      for (int j = 0; j < weights.length; j++) {
        value += (weights[i] - optimum[i]) * curvature[i][j] * (weights[j] - optimum[j]);
      }
    }
    return value;
  }

  /** Dirichlet(1): normalised exponentials. */
  private static double[] dirichlet(Random random, int dimensions) {
    double[] point = new double[dimensions];
    double sum = 0;
    for (int i = 0; i < dimensions; i++) {
      point[i] = -Math.log(1 - random.nextDouble());
      sum += point[i];
    }
    for (int i = 0; i < dimensions; i++) {
      point[i] /= sum;
    }
    return point;
  }
}
