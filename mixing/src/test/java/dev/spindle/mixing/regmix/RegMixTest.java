package dev.spindle.mixing.regmix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.spindle.mixing.MixtureSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegMixTest {
  private static final List<String> SOURCES = List.of("web", "code", "books", "docs");
  private static final double[] OPTIMUM = {0.4, 0.3, 0.2, 0.1};
  private static final double FLOOR = 2.5;

  /** A convex quadratic loss surface with its minimum FLOOR at OPTIMUM, as a proxy study would measure it. */
  private static double syntheticLoss(double[] weights) {
    double[][] curvature = {{3, 0.5, 0, 0.2}, {0.5, 2, 0.3, 0}, {0, 0.3, 4, 0.4}, {0.2, 0, 0.4, 2.5}};
    double loss = FLOOR;
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        loss += (weights[i] - OPTIMUM[i]) * curvature[i][j] * (weights[j] - OPTIMUM[j]);
      }
    }
    return loss;
  }

  /** Proxy runs at Dirichlet mixtures, with measurement noise, written as the CSV a user would fill in. */
  private static Path proxyCsv(Path directory, int runs, double noise) throws Exception {
    Dirichlet dirichlet = new Dirichlet(1.0, 99);
    Random random = new Random(5);
    StringBuilder csv = new StringBuilder("run,web,code,books,docs,loss\n");
    for (int run = 0; run < runs; run++) {
      double[] weights = dirichlet.sample(4);
      double loss = syntheticLoss(weights) + noise * random.nextGaussian();
      csv.append("r").append(run);
      for (double weight : weights) {
        csv.append(',').append(weight);
      }
      csv.append(String.format(Locale.ROOT, ",%.6f%n", loss));
    }
    Path file = directory.resolve("runs.csv");
    Files.writeString(file, csv.toString());
    return file;
  }

  @Test
  void quadraticFitRecoversTheKnownOptimumOfAQuadraticLossSurface(@TempDir Path directory) throws Exception {
    RegMixResult result = RegMix.search(proxyCsv(directory, 48, 0.002), 7);

    assertThat(result.sources()).containsExactly("web", "code", "books", "docs");
    assertThat(result.runs()).isEqualTo(48);
    assertThat(result.bestModel()).isEqualTo("quadratic-ridge");
    for (int s = 0; s < SOURCES.size(); s++) {
      assertThat(result.weights().get(SOURCES.get(s))).as("weight of %s", SOURCES.get(s))
          .isCloseTo(OPTIMUM[s], within(0.03));
    }
    assertThat(result.weights().values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1, within(1e-9));
    assertThat(result.predictedLoss()).isCloseTo(FLOOR, within(0.01));
    ModelFit quadratic = result.model("quadratic-ridge");
    assertThat(quadratic.crossValidatedR2()).isGreaterThan(0.98);
    assertThat(quadratic.trainR2()).isGreaterThan(0.99);
    ModelFit linear = result.model("linear-ridge");
    assertThat(linear.crossValidatedR2()).as("a plane cannot fit a bowl").isLessThan(quadratic.crossValidatedR2());
    assertThat(result.model("boosted-stumps").crossValidatedR2()).isLessThan(quadratic.crossValidatedR2());
  }

  @Test
  void searchIsDeterministicForASeed(@TempDir Path directory) throws Exception {
    Path csv = proxyCsv(directory, 24, 0.01);
    assertThat(RegMix.search(csv, 3)).isEqualTo(RegMix.search(csv, 3));
  }

  @Test
  void linearModelPointsToTheBestSingleSourceWhenLossIsLinear() {
    double[][] weights = new double[20][];
    double[] losses = new double[20];
    Dirichlet dirichlet = new Dirichlet(1.0, 1);
    for (int i = 0; i < 20; i++) {
      weights[i] = dirichlet.sample(3);
      losses[i] = 3 - weights[i][1] + 0.5 * weights[i][2];
    }
    RegMixResult result = RegMix.search(new ProxyRuns(List.of("a", "b", "c"), weights, losses), 1);
    ModelFit linear = result.model("linear-ridge");
    assertThat(linear.weights().get("b")).isCloseTo(1.0, within(1e-6));
    assertThat(linear.predictedLoss()).isCloseTo(2.0, within(1e-3));
    assertThat(linear.crossValidatedR2()).isGreaterThan(0.999);
  }

  @Test
  void writesDirichletProxySpecsThatLoadAndACsvToFillIn(@TempDir Path directory) throws Exception {
    List<Path> specs = RegMix.writeProxySpecs(SOURCES, 12, 0.5, 11, 2_000_000, directory.resolve("proxies"));

    assertThat(specs).hasSize(12);
    assertThat(specs.get(0).getFileName()).hasToString("proxy-000.conf");
    List<String> csv = Files.readAllLines(directory.resolve("proxies").resolve("proxies.csv"));
    assertThat(csv.get(0)).isEqualTo("run,web,code,books,docs,loss");
    assertThat(csv).hasSize(13);
    for (int i = 0; i < specs.size(); i++) {
      MixtureSpec spec = MixtureSpec.load(specs.get(i));
      assertThat(spec.totalTokens()).isEqualTo(2_000_000);
      String[] row = csv.get(i + 1).split(",", -1);
      assertThat(row[0]).isEqualTo(String.format("proxy-%03d", i));
      assertThat(row[5]).as("loss left to fill in").isEmpty();
      for (int s = 0; s < SOURCES.size(); s++) {
        assertThat(spec.source(SOURCES.get(s)).weight()).isCloseTo(Double.parseDouble(row[s + 1]), within(1e-9));
      }
    }
    assertThat(Files.readString(specs.get(3))).isNotEqualTo(Files.readString(specs.get(4)));
    List<Path> again = RegMix.writeProxySpecs(SOURCES, 12, 0.5, 11, 2_000_000, directory.resolve("again"));
    assertThat(Files.readString(again.get(5))).isEqualTo(Files.readString(specs.get(5)));
    assertThatThrownBy(() -> RegMix.search(directory.resolve("proxies").resolve("proxies.csv"), 1))
        .hasMessageContaining("column 'loss' is empty");
  }

  @Test
  void explainsMalformedCsv(@TempDir Path directory) throws Exception {
    Path noLoss = directory.resolve("no-loss.csv");
    Files.writeString(noLoss, "a,b\n0.5,0.5\n");
    assertThatThrownBy(() -> RegMix.search(noLoss, 1)).hasMessageContaining("no 'loss' column");
    Path bad = directory.resolve("bad.csv");
    Files.writeString(bad, "a,b,loss\n0.5,x,2\n");
    assertThatThrownBy(() -> RegMix.search(bad, 1)).hasMessageContaining("line 2").hasMessageContaining("column 'b'");
    Path few = directory.resolve("few.csv");
    Files.writeString(few, "a,b,loss\n0.5,0.5,2\n1,0,3\n");
    assertThatThrownBy(() -> RegMix.search(few, 1)).hasMessageContaining("at least 3 proxy runs");
  }

  @Test
  void dirichletSamplesLieOnTheSimplexWithTheExpectedMean() {
    Dirichlet dirichlet = new Dirichlet(0.3, 4);
    double[] mean = new double[5];
    for (int i = 0; i < 20_000; i++) {
      double[] point = dirichlet.sample(5);
      double sum = 0;
      for (int s = 0; s < 5; s++) {
        assertThat(point[s]).isBetween(0.0, 1.0);
        sum += point[s];
        mean[s] += point[s] / 20_000;
      }
      assertThat(sum).isCloseTo(1, within(1e-9));
    }
    for (double value : mean) {
      assertThat(value).isCloseTo(0.2, within(0.01));
    }
  }
}
