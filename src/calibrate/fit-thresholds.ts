/**
 * Fit the probe → bin thresholds: a grid search for the `DifficultyThresholds` whose probe bins
 * agree most often with the oracle Pass@1 bins (docs/paper-findings.md#difficulty-bins). Ties go to the better balanced
 * accuracy (so a rare bin is not ignored), then to the set closest to the shipped defaults.
 */
import {
  DEFAULT_DIFFICULTY_THRESHOLDS,
  type DifficultyThresholds,
  type ProbeSignals,
  DIFFICULTY_BINS,
  type DifficultyBin,
} from '../select';

export interface ThresholdGrid {
  easyMinMeanFinalScore: number[];
  easyMinAgreement: number[];
  hardMaxMeanFinalScore: number[];
  hardBelowAgreement: number[];
  hardMinInvalidShare: number[];
}

const round3 = (value: number): number => Math.round(value * 1000) / 1000;

/** A grid over the values a k-sample probe can produce, plus "disabled" for each condition. */
export function defaultThresholdGrid(signals: readonly ProbeSignals[]): ThresholdGrid {
  const steps = (from: number, to: number, step: number): number[] =>
    Array.from({ length: Math.round((to - from) / step) + 1 }, (_, i) => round3(from + i * step));
  const hasScores = signals.some((s) => s.meanFinalScore !== null);
  const agreements = [...new Set(signals.map((s) => s.agreement))].sort((a, b) => a - b);
  const invalids = [...new Set(signals.map((s) => s.invalidShare).filter((v) => v > 0))].sort(
    (a, b) => a - b,
  );
  // Easy needs agreement > 0: agreement is 0 only for a probe without a single valid answer, which
  // must never be called easy (binFromSignals refuses it too). With no positive agreement observed
  // the default is the only candidate, so the easy test stays meaningful.
  const easyAgreements = agreements.filter((v) => v > 0);
  return {
    easyMinMeanFinalScore: hasScores ? [0, ...steps(0.3, 0.95, 0.05)] : [0],
    easyMinAgreement:
      easyAgreements.length > 0 ? easyAgreements : [DEFAULT_DIFFICULTY_THRESHOLDS.easyMinAgreement],
    hardMaxMeanFinalScore: hasScores ? [-1, ...steps(0.05, 0.9, 0.05)] : [-1],
    // `agreement < v`: a midpoint between neighbouring observed values separates them.
    hardBelowAgreement: [
      0,
      ...agreements.map((v, i) => round3(((agreements[i + 1] ?? 1) + v) / 2)).filter((v) => v > 0),
    ],
    hardMinInvalidShare: [2, ...invalids],
  };
}

function distanceToDefaults(t: DifficultyThresholds): number {
  const d = DEFAULT_DIFFICULTY_THRESHOLDS;
  return (
    Math.abs(t.easyMinMeanFinalScore - d.easyMinMeanFinalScore) +
    Math.abs(t.easyMinAgreement - d.easyMinAgreement) +
    Math.abs(t.hardMaxMeanFinalScore - d.hardMaxMeanFinalScore) +
    Math.abs(t.hardBelowAgreement - d.hardBelowAgreement) +
    Math.abs(Math.min(1, t.hardMinInvalidShare) - d.hardMinInvalidShare)
  );
}

/** Grid search for the thresholds that best reproduce the oracle bins of the given problems. */
export function fitThresholds(
  signals: readonly ProbeSignals[],
  oracle: readonly DifficultyBin[],
  grid: ThresholdGrid = defaultThresholdGrid(signals),
): { thresholds: DifficultyThresholds; agreement: number } {
  const n = signals.length;
  if (n === 0) return { thresholds: { ...DEFAULT_DIFFICULTY_THRESHOLDS }, agreement: 0 };
  const binCounts = DIFFICULTY_BINS.map((bin) => oracle.filter((b) => b === bin).length);
  let best: {
    thresholds: DifficultyThresholds;
    agreement: number;
    balanced: number;
    distance: number;
  } | null = null;
  const isHard = new Uint8Array(n);
  for (const hardMaxMeanFinalScore of grid.hardMaxMeanFinalScore) {
    for (const hardBelowAgreement of grid.hardBelowAgreement) {
      for (const hardMinInvalidShare of grid.hardMinInvalidShare) {
        // The hard test does not depend on the easy thresholds: compute it once per hard triple.
        for (let i = 0; i < n; i++) {
          const s = signals[i] as ProbeSignals;
          // Same order as binFromSignals, so the fit scores the bins that will be served: a probe
          // without a valid answer is hard whatever the thresholds say.
          const isHardProbe =
            s.validAnswers === 0 ||
            s.invalidShare >= hardMinInvalidShare ||
            s.agreement < hardBelowAgreement ||
            (s.meanFinalScore !== null && s.meanFinalScore <= hardMaxMeanFinalScore);
          isHard[i] = isHardProbe ? 1 : 0;
        }
        for (const easyMinMeanFinalScore of grid.easyMinMeanFinalScore) {
          if (hardMaxMeanFinalScore >= easyMinMeanFinalScore) continue;
          for (const easyMinAgreement of grid.easyMinAgreement) {
            // A caller's grid may still hold 0: skip it rather than fit a table that calls an
            // answerless probe easy.
            if (easyMinAgreement <= 0 || hardBelowAgreement > easyMinAgreement) continue;
            const hits = [0, 0, 0];
            for (let i = 0; i < n; i++) {
              const s = signals[i] as ProbeSignals;
              const bin =
                isHard[i] === 1
                  ? 2
                  : (s.meanFinalScore === null || s.meanFinalScore >= easyMinMeanFinalScore) &&
                      s.agreement >= easyMinAgreement
                    ? 0
                    : 1;
              if (DIFFICULTY_BINS[bin] === oracle[i]) hits[bin] = (hits[bin] ?? 0) + 1;
            }
            const agreement = ((hits[0] ?? 0) + (hits[1] ?? 0) + (hits[2] ?? 0)) / n;
            const present = binCounts.filter((c) => c > 0).length;
            const balanced =
              binCounts.reduce(
                (sum, count, b) => sum + (count > 0 ? (hits[b] ?? 0) / count : 0),
                0,
              ) / Math.max(1, present);
            const thresholds = {
              easyMinMeanFinalScore,
              easyMinAgreement,
              hardMaxMeanFinalScore,
              hardBelowAgreement,
              hardMinInvalidShare,
            };
            const distance = distanceToDefaults(thresholds);
            const isBetter =
              best === null ||
              agreement > best.agreement + 1e-12 ||
              (Math.abs(agreement - best.agreement) <= 1e-12 &&
                (balanced > best.balanced + 1e-12 ||
                  (Math.abs(balanced - best.balanced) <= 1e-12 &&
                    distance < best.distance - 1e-12)));
            if (isBetter) best = { thresholds, agreement, balanced, distance };
          }
        }
      }
    }
  }
  return best
    ? { thresholds: best.thresholds, agreement: best.agreement }
    : { thresholds: { ...DEFAULT_DIFFICULTY_THRESHOLDS }, agreement: 0 };
}
