package dev.spindle.mixing;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Plans a mix from per-document metadata: checks the spec against what each source holds (refusing, or with
 * {@code on-excess = warn} reporting, repetition beyond {@code max-epochs}), then fills the token budget phase by
 * phase with the {@link GreedyBlender}, drawing each source's documents from its seeded {@link SourceStream}.
 *
 * <p>The result depends only on the set of (source, id, n_tokens) and the spec: input order is irrelevant, so the
 * same input, spec and seed always give the same plan. Runs on the driver: memory is a few dozen bytes per
 * input document and per placement, fine for millions of documents.
 *
 * <p>Shares are exact: each phase's tokens are split into whole-token shares per source up front ({@link Quotas}),
 * and the piece of a document that reaches its source's share (or the budget, or the source's max-epochs cap) is
 * cut there ({@link Cut}); the rest of that document is its source's next piece. So every source's share of every
 * phase is within one token of its target, or the source stops exactly at its cap and the others take over its
 * tokens (reported in the warnings and {@link SourceOutcome#reachedCap()}).
 *
 * <p>Non-goal: per-document quality scores or weights within a source (every document of a source is equally
 * likely to be taken).
 */
public final class MixPlanner {
  private static final System.Logger LOG = System.getLogger(MixPlanner.class.getName());
  private static final int PREFIX_CHECKS = 10;
  /** Slack on the epoch check so that a weight equal to the natural share is not refused for rounding. */
  private static final double EPOCH_TOLERANCE = 1e-9;

  private MixPlanner() {}

  public static MixPlan plan(Collection<DocumentMeta> documents, MixtureSpec spec) {
    requireNonNull(documents, "documents is null");
    requireNonNull(spec, "spec is null");
    List<String> warnings = new ArrayList<>();
    Map<String, List<DocumentMeta>> bySource = new TreeMap<>();
    long empty = 0;
    for (DocumentMeta document : documents) {
      bySource.computeIfAbsent(document.source(), key -> new ArrayList<>()).add(document);
    }
    for (Map.Entry<String, List<DocumentMeta>> entry : bySource.entrySet()) {
      List<DocumentMeta> sorted = entry.getValue();
      sorted.sort(Comparator.comparing(DocumentMeta::id));
      List<DocumentMeta> withTokens = new ArrayList<>(sorted.size());
      for (int i = 0; i < sorted.size(); i++) {
        if (i > 0 && sorted.get(i).id().equals(sorted.get(i - 1).id())) {
          throw new IllegalArgumentException(
              "Cannot mix: document id '" + sorted.get(i).id() + "' occurs twice in source '" + entry.getKey()
                  + "' (expected ids unique within a source; run dedup first)");
        }
        if (sorted.get(i).tokens() == 0) {
          empty++;
        } else {
          withTokens.add(sorted.get(i));
        }
      }
      entry.setValue(withTokens);
    }
    bySource.values().removeIf(List::isEmpty);

    List<String> names = spec.sourceNames();
    int sourceCount = names.size();
    for (String present : bySource.keySet()) {
      if (!names.contains(present)) {
        warnings.add("source '" + present + "' has " + bySource.get(present).size()
            + " documents but is not in the spec; none were taken");
      }
    }

    List<Phase> schedule = spec.schedule();
    int phaseCount = schedule.size();
    long total = spec.totalTokens();
    long[] boundary = new long[phaseCount + 1];
    double[][] weights = new double[phaseCount][sourceCount];
    for (int p = 0; p < phaseCount; p++) {
      boundary[p] = p == 0 ? 0 : Math.round(schedule.get(p).start() * total);
      for (int s = 0; s < sourceCount; s++) {
        weights[p][s] = schedule.get(p).weightOf(names.get(s));
      }
    }
    boundary[phaseCount] = total;

    double[] demand = new double[sourceCount];
    long[] available = new long[sourceCount];
    long[] largestOfSource = new long[sourceCount];
    boolean[] excess = new boolean[sourceCount];
    SourceStream[] streams = new SourceStream[sourceCount];
    for (int s = 0; s < sourceCount; s++) {
      String name = names.get(s);
      for (int p = 0; p < phaseCount; p++) {
        demand[s] += weights[p][s] * (boundary[p + 1] - boundary[p]);
      }
      List<DocumentMeta> sourceDocuments = bySource.getOrDefault(name, List.of());
      for (DocumentMeta document : sourceDocuments) {
        available[s] += document.tokens();
        largestOfSource[s] = Math.max(largestOfSource[s], document.tokens());
      }
      if (demand[s] == 0) {
        continue;
      }
      if (available[s] == 0) {
        throw new IllegalArgumentException(
            "Cannot mix source '" + name + "': the spec asks for " + Math.round(demand[s])
                + " of its tokens but the input has no documents with tokens from it (sources present: "
                + bySource.keySet() + "); check the source name or give it weight 0");
      }
      double maxEpochs = spec.source(name).maxEpochs();
      double epochsNeeded = demand[s] / available[s];
      double cap = maxEpochs * available[s];
      if (epochsNeeded > maxEpochs * (1 + EPOCH_TOLERANCE)) {
        String detail = String.format(Locale.ROOT,
            "source '%s' would be repeated %.2f epochs (%d tokens wanted, %d available) but its max-epochs is %s",
            name, epochsNeeded, Math.round(demand[s]), available[s], format(maxEpochs));
        if (spec.onExcess() == OnExcess.ERROR) {
          throw new IllegalArgumentException(String.format(Locale.ROOT,
              "Cannot mix: %s. Lower its weight or total-tokens, raise %s.max-epochs to at least %.2f,"
                  + " or set on-excess = warn to allow the repetition", detail, name, epochsNeeded));
        }
        excess[s] = true;
        cap = Double.POSITIVE_INFINITY;
        warnings.add(detail + " (allowed by on-excess = warn)");
        LOG.log(System.Logger.Level.WARNING, "Mixing: " + detail + " (allowed by on-excess = warn)");
      }
      streams[s] = new SourceStream(name, sourceDocuments, spec.seed(), cap);
    }

    // The fill, phase by phase: each source's tokens in the phase are fixed up front (whole-token shares of the
    // phase), the greedy blender orders the pieces, and the piece that reaches a source's share is cut there.
    GreedyBlender blender = new GreedyBlender(sourceCount);
    boolean[] eligible = new boolean[sourceCount];
    List<Placement> placements = new ArrayList<>();
    List<Cut> cuts = new ArrayList<>();
    long[][] phaseTokens = new long[phaseCount][sourceCount];
    long[][] phaseTargets = new long[phaseCount][sourceCount];
    long[][] phaseDocuments = new long[phaseCount][sourceCount];
    long[] phaseTotal = new long[phaseCount];
    long[] documentsTaken = new long[sourceCount];
    long[] firstEpochDocuments = new long[sourceCount];
    int[] epochsStarted = new int[sourceCount];
    boolean[] reachedCap = new boolean[sourceCount];
    double[] maxDeviation = new double[sourceCount];
    List<PrefixCheck> prefixChecks = new ArrayList<>();
    long emitted = 0;
    long largest = 0;
    int nextCheck = 1;
    fill:
    for (int phase = 0; phase < phaseCount; phase++) {
      String phaseName = schedule.get(phase).name();
      long[] left = Quotas.apportion(boundary[phase + 1] - boundary[phase], weights[phase]);
      System.arraycopy(left, 0, phaseTargets[phase], 0, sourceCount);
      long phaseLeft = boundary[phase + 1] - boundary[phase];
      while (phaseLeft > 0) {
        for (int s = 0; s < sourceCount; s++) {
          eligible[s] = left[s] > 0 && streams[s] != null && streams[s].hasNext();
        }
        int chosen = blender.pick(eligible);
        if (chosen < 0) {
          // Every source with tokens left in this phase is at its cap: the others take those tokens over.
          if (!reassignCappedShares(left, weights[phase], streams, names, phaseName, reachedCap, warnings)) {
            warnings.add(String.format(Locale.ROOT,
                "budget not reached: in phase '%s' every source with weight reached its max-epochs after %d of %d tokens",
                phaseName, emitted, total));
            break fill;
          }
          continue;
        }
        SourceStream.Draw draw = streams[chosen].next(left[chosen]);
        int tokens = draw.tokens();
        placements.add(new Placement(names.get(chosen), draw.document().id(), draw.epoch(), phaseName,
            placements.size(), draw.offset(), tokens));
        if (draw.cut()) {
          cuts.add(new Cut(names.get(chosen), draw.document().id(), draw.epoch(), draw.offset() + tokens, phaseName,
              false));
        }
        blender.record(chosen, tokens, weights[phase]);
        left[chosen] -= tokens;
        phaseLeft -= tokens;
        emitted += tokens;
        largest = Math.max(largest, draw.document().tokens());
        phaseTokens[phase][chosen] += tokens;
        phaseDocuments[phase][chosen]++;
        phaseTotal[phase] += tokens;
        documentsTaken[chosen]++;
        epochsStarted[chosen] = Math.max(epochsStarted[chosen], draw.epoch() + 1);
        if (draw.epoch() == 0 && draw.offset() == 0) {
          firstEpochDocuments[chosen]++;
        }
        for (int s = 0; s < sourceCount; s++) {
          maxDeviation[s] = Math.max(maxDeviation[s], Math.abs(blender.lag(s)));
        }
        while (nextCheck <= PREFIX_CHECKS && emitted * PREFIX_CHECKS >= (double) nextCheck * total) {
          prefixChecks.add(prefixCheck(nextCheck / (double) PREFIX_CHECKS, emitted, placements.size(), names, blender, largest));
          nextCheck++;
        }
      }
    }
    cuts = markPlacedRemainders(cuts, placements);

    List<SourceOutcome> outcomes = new ArrayList<>();
    for (int s = 0; s < sourceCount; s++) {
      int documentCount = bySource.getOrDefault(names.get(s), List.of()).size();
      long taken = blender.achieved(s);
      outcomes.add(new SourceOutcome(
          names.get(s),
          demand[s] / total,
          emitted == 0 ? 0 : taken / (double) emitted,
          spec.source(names.get(s)).maxEpochs(),
          available[s] == 0 ? 0 : taken / (double) available[s],
          epochsStarted[s],
          documentCount,
          documentsTaken[s],
          epochsStarted[s] > 1 ? documentCount : firstEpochDocuments[s],
          available[s],
          demand[s],
          taken,
          largestOfSource[s],
          maxDeviation[s],
          excess[s],
          reachedCap[s]));
    }
    List<PhaseShare> phaseShares = new ArrayList<>();
    for (int p = 0; p < phaseCount; p++) {
      for (int s = 0; s < sourceCount; s++) {
        phaseShares.add(new PhaseShare(
            schedule.get(p).name(),
            names.get(s),
            weights[p][s],
            phaseTotal[p] == 0 ? 0 : phaseTokens[p][s] / (double) phaseTotal[p],
            phaseTargets[p][s],
            phaseTotal[p],
            phaseTokens[p][s],
            phaseDocuments[p][s]));
      }
    }
    return new MixPlan(placements, outcomes, phaseShares, prefixChecks, cuts, warnings, documents.size(), empty,
        emitted);
  }

  /**
   * The tokens left in this phase to sources whose stream reached its cap go to the sources that still have
   * tokens, by their phase weights; the capped sources are reported. False when no source can take them.
   */
  private static boolean reassignCappedShares(long[] left, double[] weights, SourceStream[] streams, List<String> names,
      String phase, boolean[] reachedCap, List<String> warnings) {
    long orphaned = 0;
    double[] takers = new double[left.length];
    boolean any = false;
    for (int s = 0; s < left.length; s++) {
      boolean open = streams[s] != null && streams[s].hasNext();
      if (left[s] > 0 && !open) {
        orphaned += left[s];
        reachedCap[s] = true;
        warnings.add(String.format(Locale.ROOT,
            "source '%s' reached its max-epochs cap in phase '%s' with %d of its tokens there untaken; the other"
                + " sources took them", names.get(s), phase, left[s]));
        left[s] = 0;
      }
      if (weights[s] > 0 && open) {
        takers[s] = weights[s];
        any = true;
      }
    }
    if (!any) {
      return false;
    }
    long[] extra = Quotas.apportion(orphaned, takers);
    for (int s = 0; s < left.length; s++) {
      left[s] += extra[s];
    }
    return true;
  }

  /** Sets {@link Cut#remainderPlaced} for every cut whose document went on in a later placement. */
  private static List<Cut> markPlacedRemainders(List<Cut> cuts, List<Placement> placements) {
    if (cuts.isEmpty()) {
      return cuts;
    }
    java.util.Set<String> continued = new java.util.HashSet<>();
    for (Placement placement : placements) {
      if (placement.offset() > 0) {
        continued.add(placement.source() + "\u0000" + placement.id() + "\u0000" + placement.epoch() + "\u0000"
            + placement.offset());
      }
    }
    List<Cut> marked = new ArrayList<>(cuts.size());
    for (Cut cut : cuts) {
      boolean placed = continued.contains(cut.source() + "\u0000" + cut.id() + "\u0000" + cut.epoch() + "\u0000"
          + cut.offset());
      marked.add(new Cut(cut.source(), cut.id(), cut.epoch(), cut.offset(), cut.phase(), placed));
    }
    return marked;
  }

  private static PrefixCheck prefixCheck(
      double fraction, long emitted, long documents, List<String> names, GreedyBlender blender, long largest) {
    Map<String, Double> deviation = new LinkedHashMap<>();
    boolean within = true;
    for (int s = 0; s < names.size(); s++) {
      double value = -blender.lag(s);
      deviation.put(names.get(s), value);
      within &= Math.abs(value) <= largest;
    }
    return new PrefixCheck(fraction, emitted, documents, deviation, largest, within);
  }

  private static String format(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }
}
