package dev.spindle.mixing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MixPlannerTest {

  /** {@code count} documents of {@code source} with lengths drawn uniformly from [min, max]. */
  static List<DocumentMeta> corpus(String source, int count, int min, int max, long seed) {
    Random random = new Random(seed);
    List<DocumentMeta> documents = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      documents.add(new DocumentMeta(source, source + "-" + i, min + random.nextInt(max - min + 1)));
    }
    return documents;
  }

  static MixtureSpec spec(long total, OnExcess onExcess, List<SourceSpec> sources, List<Phase> phases) {
    return new MixtureSpec(total, 7, onExcess, sources, phases);
  }

  private static List<DocumentMeta> threeSources() {
    List<DocumentMeta> documents = new ArrayList<>();
    documents.addAll(corpus("web", 2000, 20, 400, 1));
    documents.addAll(corpus("code", 300, 50, 3000, 2));
    documents.addAll(corpus("books", 100, 200, 2000, 3));
    return documents;
  }

  @Test
  void achievedSharesMatchTargetsAndEveryPrefixStaysWithinOneDocument() {
    MixtureSpec spec = spec(400_000, OnExcess.ERROR,
        List.of(new SourceSpec("web", 0.5, 1), new SourceSpec("code", 0.3, 1), new SourceSpec("books", 0.2, 1)),
        List.of());
    MixPlan plan = MixPlanner.plan(threeSources(), spec);

    assertThat(plan.tokensTaken()).isGreaterThanOrEqualTo(400_000).isLessThan(400_000 + 3000);
    for (SourceOutcome source : plan.sources()) {
      assertThat(Math.abs(source.tokensTaken() - source.targetShare() * plan.tokensTaken()))
          .as("tokens of %s against target", source.source()).isLessThanOrEqualTo(3000);
      assertThat(source.achievedShare()).as("share of %s", source.source())
          .isCloseTo(source.targetShare(), within(0.0075));
      assertThat(source.maxPrefixDeviationTokens()).as("worst prefix deviation of %s", source.source())
          .isLessThanOrEqualTo(3000);
    }
    assertThat(plan.prefixChecks()).hasSize(10).allSatisfy(check -> assertThat(check.withinOneDocument()).isTrue());
    assertThat(plan.placements()).extracting(Placement::position)
        .containsExactlyElementsOf(java.util.stream.LongStream.range(0, plan.placements().size()).boxed().toList());
  }

  /**
   * Without phases every prefix holds every source within the largest document. Where a phase drops a source
   * (weight 0), its residual lag (under one document) cannot be served any more and is carried by the others,
   * which may then exceed one document by a small fraction of it.
   */
  @Test
  void everyPrefixStaysWithinTheLargestDocumentForRandomMixtures() {
    Random random = new Random(11);
    for (int trial = 0; trial < 200; trial++) {
      int sourceCount = 2 + random.nextInt(6);
      List<DocumentMeta> documents = new ArrayList<>();
      List<SourceSpec> sources = new ArrayList<>();
      for (int s = 0; s < sourceCount; s++) {
        int max = 1 + random.nextInt(random.nextBoolean() ? 50 : 5000);
        documents.addAll(corpus("s" + s, 5 + random.nextInt(300), 1, max, trial * 31L + s));
        sources.add(new SourceSpec("s" + s, 0.01 + random.nextDouble(), 1e9));
      }
      List<Phase> phases = random.nextBoolean()
          ? List.of()
          : List.of(new Phase("late", 0.5 + random.nextDouble() * 0.4, Map.of("s0", 1.0, "s1", random.nextDouble())));
      MixPlan plan = MixPlanner.plan(documents, spec(50_000 + random.nextInt(200_000), OnExcess.ERROR, sources, phases));
      long largest = plan.placements().stream().mapToLong(Placement::tokens).max().orElseThrow();
      for (SourceOutcome source : plan.sources()) {
        assertThat(source.maxPrefixDeviationTokens())
            .as("trial %d source %s: worst |achieved - target| over all prefixes vs largest document", trial, source.source())
            .isLessThanOrEqualTo(phases.isEmpty() ? largest : largest * 1.1);
      }
    }
  }

  @Test
  void samePlanWhateverTheInputOrder() {
    MixtureSpec spec = spec(100_000, OnExcess.ERROR,
        List.of(new SourceSpec("web", 0.5, 1), new SourceSpec("code", 0.3, 1), new SourceSpec("books", 0.2, 3)),
        List.of(new Phase("anneal", 0.8, Map.of("books", 0.6, "code", 0.4))));
    List<DocumentMeta> documents = threeSources();
    MixPlan first = MixPlanner.plan(documents, spec);
    Collections.shuffle(documents, new Random(5));
    MixPlan second = MixPlanner.plan(documents, spec);
    assertThat(second).isEqualTo(first);
    MixPlan otherSeed = MixPlanner.plan(documents, spec.withSeed(8));
    assertThat(otherSeed.placements()).as("another seed orders documents differently").isNotEqualTo(first.placements());
  }

  @Test
  void smallSourceIsUpSampledByWholeEpochsThenASeededSubset() {
    List<DocumentMeta> documents = new ArrayList<>(corpus("web", 3000, 10, 100, 1));
    documents.addAll(corpus("books", 20, 100, 300, 2));
    long booksTokens = documents.stream().filter(d -> d.source().equals("books")).mapToLong(DocumentMeta::tokens).sum();
    long total = Math.round(booksTokens * 2.5 / 0.25);
    MixPlan plan = MixPlanner.plan(documents, spec(total, OnExcess.ERROR,
        List.of(new SourceSpec("web", 0.75, 1), new SourceSpec("books", 0.25, 3)), List.of()));

    SourceOutcome books = plan.sources().stream().filter(s -> s.source().equals("books")).findFirst().orElseThrow();
    assertThat(books.epochsStarted()).isEqualTo(3);
    assertThat(books.epochsUsed()).isCloseTo(2.5, within(0.1));
    assertThat(books.distinctDocumentsTaken()).isEqualTo(20);
    Map<Integer, Long> perEpoch = new java.util.TreeMap<>();
    plan.placements().stream().filter(p -> p.source().equals("books"))
        .forEach(p -> perEpoch.merge(p.epoch(), 1L, Long::sum));
    assertThat(perEpoch.get(0)).as("first pass is whole").isEqualTo(20);
    assertThat(perEpoch.get(1)).as("second pass is whole").isEqualTo(20);
    assertThat(perEpoch.get(2)).as("third pass is a subset").isBetween(5L, 15L);
    List<String> firstPass = plan.placements().stream().filter(p -> p.source().equals("books") && p.epoch() == 0)
        .map(Placement::id).toList();
    List<String> secondPass = plan.placements().stream().filter(p -> p.source().equals("books") && p.epoch() == 1)
        .map(Placement::id).toList();
    assertThat(secondPass).as("each pass has its own seeded order").containsExactlyInAnyOrderElementsOf(firstPass)
        .isNotEqualTo(firstPass);
  }

  @Test
  void refusesMoreEpochsThanAllowedNamingTheSource() {
    List<DocumentMeta> documents = new ArrayList<>(corpus("web", 3000, 10, 100, 1));
    documents.addAll(corpus("books", 20, 100, 300, 2));
    MixtureSpec spec = spec(200_000, OnExcess.ERROR,
        List.of(new SourceSpec("web", 0.5, 1), new SourceSpec("books", 0.5, 2)), List.of());
    assertThatThrownBy(() -> MixPlanner.plan(documents, spec))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("source 'books'")
        .hasMessageContaining("max-epochs is 2")
        .hasMessageContaining("on-excess = warn");
  }

  @Test
  void warnModeAllowsTheRepetitionAndReportsIt() {
    List<DocumentMeta> documents = new ArrayList<>(corpus("web", 3000, 10, 100, 1));
    documents.addAll(corpus("books", 20, 100, 300, 2));
    MixPlan plan = MixPlanner.plan(documents, spec(100_000, OnExcess.WARN,
        List.of(new SourceSpec("web", 0.5, 1), new SourceSpec("books", 0.5, 2)), List.of()));
    SourceOutcome books = plan.sources().stream().filter(s -> s.source().equals("books")).findFirst().orElseThrow();
    assertThat(books.excessRepetition()).isTrue();
    assertThat(books.epochsUsed()).isGreaterThan(2);
    assertThat(books.achievedShare()).isCloseTo(0.5, within(0.005));
    assertThat(plan.warnings()).anySatisfy(w -> assertThat(w).contains("source 'books'").contains("on-excess = warn"));
  }

  @Test
  void phasesSwitchWeightsAtTheirStart() {
    MixtureSpec spec = spec(400_000, OnExcess.ERROR,
        List.of(new SourceSpec("web", 0.5, 1), new SourceSpec("code", 0.3, 1), new SourceSpec("books", 0.2, 2)),
        List.of(new Phase("anneal", 0.85, Map.of("books", 0.5, "code", 0.3, "web", 0.2))));
    MixPlan plan = MixPlanner.plan(threeSources(), spec);

    for (PhaseShare share : plan.phaseShares()) {
      // One document of up to 3000 tokens is 0.9% of the 340k-token main phase and 5% of the 60k-token anneal.
      assertThat(share.achievedShare()).as("%s in phase %s", share.source(), share.phase())
          .isCloseTo(share.targetShare(), within(share.phase().equals("main") ? 0.01 : 0.05));
    }
    long mainTokens = plan.placements().stream().filter(p -> p.phase().equals("main")).mapToLong(Placement::tokens).sum();
    assertThat(mainTokens).isBetween(340_000L, 340_000L + 3000);
    List<String> phaseOrder = plan.placements().stream().map(Placement::phase).distinct().toList();
    assertThat(phaseOrder).as("phases are contiguous in position order").containsExactly("main", "anneal");
    SourceOutcome books = plan.sources().stream().filter(s -> s.source().equals("books")).findFirst().orElseThrow();
    assertThat(books.targetShare()).isCloseTo(0.2 * 0.85 + 0.5 * 0.15, within(1e-9));
  }

  @Test
  void skipsEmptyDocumentsAndWarnsAboutSourcesOutsideTheSpec() {
    List<DocumentMeta> documents = new ArrayList<>(corpus("web", 500, 10, 100, 1));
    documents.add(new DocumentMeta("web", "empty", 0));
    documents.addAll(corpus("spam", 10, 10, 100, 1));
    MixPlan plan = MixPlanner.plan(documents, spec(5_000, OnExcess.ERROR, List.of(new SourceSpec("web", 1, 1)), List.of()));
    assertThat(plan.emptyDocumentsSkipped()).isEqualTo(1);
    assertThat(plan.placements()).noneMatch(p -> p.id().equals("empty") || p.source().equals("spam"));
    assertThat(plan.warnings()).anySatisfy(w -> assertThat(w).contains("'spam'"));
  }

  @Test
  void refusesASpecSourceMissingFromTheInput() {
    assertThatThrownBy(() -> MixPlanner.plan(corpus("web", 50, 10, 100, 1),
        spec(1000, OnExcess.ERROR, List.of(new SourceSpec("web", 1, 1), new SourceSpec("bookz", 1, 1)), List.of())))
        .hasMessageContaining("source 'bookz'").hasMessageContaining("[web]");
  }

  @Test
  void refusesDuplicateIdsWithinASource() {
    List<DocumentMeta> documents = List.of(new DocumentMeta("web", "a", 5), new DocumentMeta("web", "a", 6));
    assertThatThrownBy(() -> MixPlanner.plan(documents, spec(10, OnExcess.ERROR, List.of(new SourceSpec("web", 1, 5)), List.of())))
        .hasMessageContaining("'a'").hasMessageContaining("dedup");
  }

  @Test
  void stopsWithAWarningWhenCappedSourcesCannotFillTheBudget() {
    List<DocumentMeta> documents = corpus("web", 100, 10, 100, 1);
    long available = documents.stream().mapToLong(DocumentMeta::tokens).sum();
    MixPlan plan = MixPlanner.plan(documents, spec(available, OnExcess.ERROR, List.of(new SourceSpec("web", 1, 1)), List.of()));
    assertThat(plan.tokensTaken()).isEqualTo(available);
    assertThat(plan.placements()).hasSize(100).allMatch(p -> p.epoch() == 0);
  }
}
