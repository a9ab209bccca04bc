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
  void achievedSharesAreExactAndEveryPrefixStaysWithinOneDocument() {
    MixtureSpec spec = spec(400_000, OnExcess.ERROR,
        List.of(new SourceSpec("web", 0.5, 1), new SourceSpec("code", 0.3, 1), new SourceSpec("books", 0.2, 1)),
        List.of());
    MixPlan plan = MixPlanner.plan(threeSources(), spec);

    assertThat(plan.tokensTaken()).as("the budget, exactly: the last document is cut").isEqualTo(400_000);
    for (SourceOutcome source : plan.sources()) {
      assertThat(Math.abs(source.tokensTaken() - source.targetShare() * plan.tokensTaken()))
          .as("tokens of %s against target", source.source()).isLessThan(1.0);
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
      // Documents of up to 3000 tokens would be 5% of the 60k-token anneal; cutting at the shares makes them exact.
      assertThat(share.achievedShare()).as("%s in phase %s", share.source(), share.phase())
          .isCloseTo(share.targetShare(), within(1e-4));
      assertThat(share.tokensTaken()).isEqualTo(share.targetTokens());
    }
    long mainTokens = plan.placements().stream().filter(p -> p.phase().equals("main")).mapToLong(Placement::tokens).sum();
    assertThat(mainTokens).isEqualTo(340_000L);
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

  /**
   * The demo case: a 150k-token anneal phase asking 20% of speech, whose documents hold ~36k tokens each,
   * got 18.07% with whole documents. Cut at the boundaries, every source of every phase is within 0.1 pp.
   */
  @Test
  void largeDocumentsInAShortPhaseAreCutToHitEveryShare() {
    List<DocumentMeta> documents = new ArrayList<>(corpus("speech", 30, 30_000, 42_000, 1));
    documents.addAll(corpus("docs", 2000, 100, 1500, 2));
    documents.addAll(corpus("code", 2000, 50, 3000, 3));
    MixtureSpec spec = spec(1_000_000, OnExcess.ERROR,
        List.of(new SourceSpec("speech", 0.12, 2), new SourceSpec("docs", 0.48, 1), new SourceSpec("code", 0.4, 1)),
        List.of(new Phase("anneal", 0.85, Map.of("speech", 0.2, "docs", 0.5, "code", 0.3))));
    MixPlan plan = MixPlanner.plan(documents, spec);

    for (PhaseShare share : plan.phaseShares()) {
      assertThat(100 * Math.abs(share.achievedShare() - share.targetShare()))
          .as("%s in %s, pp", share.source(), share.phase()).isLessThanOrEqualTo(0.1);
    }
    assertThat(plan.cuts()).as("each source's last piece of each phase may be cut").isNotEmpty()
        .hasSizeLessThanOrEqualTo(2 * 3);
    for (Cut cut : plan.cuts()) {
      Placement before = plan.placements().stream()
          .filter(p -> p.id().equals(cut.id()) && p.epoch() == cut.epoch() && p.offset() + p.tokens() == cut.offset())
          .findFirst().orElseThrow();
      assertThat(before.phase()).isEqualTo(cut.phase());
      List<Placement> after = plan.placements().stream()
          .filter(p -> p.id().equals(cut.id()) && p.epoch() == cut.epoch() && p.offset() == cut.offset()).toList();
      assertThat(after).as("remainder of %s placed", cut.id()).hasSize(cut.remainderPlaced() ? 1 : 0);
      after.forEach(p -> assertThat(p.position()).isGreaterThan(before.position()));
    }
    assertThat(plan.cuts()).as("speech, cut at the end of main, goes on in the anneal")
        .anySatisfy(cut -> assertThat(cut.source().equals("speech") && cut.phase().equals("main") && cut.remainderPlaced()).isTrue());
  }

  @Test
  void piecesOfEveryDocumentAreDisjointAndInOrder() {
    MixtureSpec spec = spec(200_000, OnExcess.ERROR,
        List.of(new SourceSpec("web", 0.5, 1), new SourceSpec("code", 0.3, 1), new SourceSpec("books", 0.2, 2)),
        List.of(new Phase("p2", 0.3, Map.of("books", 0.5, "code", 0.5)), new Phase("p3", 0.6, Map.of("web", 1.0))));
    MixPlan plan = MixPlanner.plan(threeSources(), spec);
    Map<String, Integer> nextOffset = new java.util.HashMap<>();
    Map<String, Integer> length = new java.util.HashMap<>();
    threeSources().forEach(d -> length.put(d.source() + "/" + d.id(), d.tokens()));
    for (Placement placement : plan.placements()) {
      String key = placement.source() + "/" + placement.id() + "/" + placement.epoch();
      assertThat(placement.offset()).as("piece of %s starts where the last one ended", key)
          .isEqualTo(nextOffset.getOrDefault(key, 0));
      nextOffset.put(key, placement.offset() + placement.tokens());
      assertThat(placement.offset() + placement.tokens())
          .isLessThanOrEqualTo(length.get(placement.source() + "/" + placement.id()));
    }
    assertThat(plan.tokensTaken()).isEqualTo(200_000);
  }

  @Test
  void aSourceThatRunsOutStopsExactlyAtItsCapAndTheOthersTakeOver() {
    // The epoch check allows 1e-9 of slack, so a 2-billion-token source asked for half of 4,000,000,001 tokens
    // passes it but lacks one token of its whole-token share: it stops at its cap, the other source fills in.
    // (Equal remainders round up the first source by name: "a-small".)
    List<DocumentMeta> documents = List.of(new DocumentMeta("a-small", "s", 2_000_000_000),
        new DocumentMeta("b-large", "l", 2_100_000_000));
    MixPlan plan = MixPlanner.plan(documents, spec(4_000_000_001L, OnExcess.ERROR,
        List.of(new SourceSpec("b-large", 0.5, 1), new SourceSpec("a-small", 0.5, 1)), List.of()));
    SourceOutcome small = plan.sources().stream().filter(s -> s.source().equals("a-small")).findFirst().orElseThrow();
    SourceOutcome large = plan.sources().stream().filter(s -> s.source().equals("b-large")).findFirst().orElseThrow();
    assertThat(small.tokensTaken()).as("exactly its cap").isEqualTo(2_000_000_000L);
    assertThat(small.reachedCap()).isTrue();
    assertThat(large.reachedCap()).isFalse();
    assertThat(plan.tokensTaken()).isEqualTo(4_000_000_001L);
    assertThat(plan.warnings()).anySatisfy(w -> assertThat(w).contains("source 'a-small' reached its max-epochs cap"));
  }
}
