/**
 * Online difficulty estimate from a probe: k complete samples of the policy, with their extracted
 * answers and, when a PRM is configured, their step scores. The paper bins problems by oracle
 * Pass@1 (docs/paper-findings.md#difficulty-bins: easy ≥ 0.5, medium 0.1–0.5, hard < 0.1), which a proxy cannot know; Snell
 * et al. predict the same bins from the mean final-answer verifier score (docs/paper-findings.md#difficulty-without-ground-truth). We use that
 * signal plus answer agreement (a Pass@1 proxy that needs no PRM) and the share of samples without
 * an answer. The thresholds are per (policy, PRM) and come from `tts-proxy calibrate`.
 */
import { groupAnswers, type AnswerGrouping } from '../answer';
import type { DifficultyBin } from './select-types';

/** One probe sample: its extracted answer (null = invalid) and its PRM step scores (null = unscored). */
export interface ProbeSample {
  answer: string | null;
  stepScores: readonly number[] | null;
}

export interface ProbeSignals {
  samples: number;
  validAnswers: number;
  /** Share of the top answer among the valid answers; 0 when there is none. */
  agreement: number;
  /** Entropy of the answer distribution over valid answers, divided by log(valid answers); 0 for fewer than 2. */
  normalizedEntropy: number;
  /** Share of samples without an extractable answer. */
  invalidShare: number;
  /** Mean last-step PRM score over the scored samples (Snell et al.); null without scores. */
  meanFinalScore: number | null;
}

/**
 * Probe signals → bin. A problem is hard when ANY hard condition holds (checked first: a
 * conservative error sends an easy problem to search, not a hard one to BoN), easy when ALL easy
 * conditions hold, medium otherwise.
 */
export interface DifficultyThresholds {
  /** Easy needs meanFinalScore ≥ this (not checked without PRM scores). */
  easyMinMeanFinalScore: number;
  /** Easy needs agreement ≥ this. */
  easyMinAgreement: number;
  /** Hard when meanFinalScore ≤ this; -1 disables. */
  hardMaxMeanFinalScore: number;
  /** Hard when agreement < this; 0 disables. */
  hardBelowAgreement: number;
  /** Hard when invalidShare ≥ this; above 1 disables. */
  hardMinInvalidShare: number;
}

/**
 * Uncalibrated defaults. With k = 4: easy needs 3 of 4 answers to agree (1 invalid allowed) and a
 * confident PRM; hard is a 4-way split (agreement 0.25), half the probe without an answer, or a PRM
 * that rejects the final steps. Calibrate per (policy, PRM) for real use: PRM score scales differ.
 */
export const DEFAULT_DIFFICULTY_THRESHOLDS: Readonly<DifficultyThresholds> = Object.freeze({
  easyMinMeanFinalScore: 0.7,
  easyMinAgreement: 0.75,
  hardMaxMeanFinalScore: 0.35,
  hardBelowAgreement: 0.4,
  hardMinInvalidShare: 0.5,
});

export interface DifficultyEstimate {
  bin: DifficultyBin;
  signals: ProbeSignals;
  thresholds: DifficultyThresholds;
  /** Which condition decided, for the response metadata. */
  reason: string;
}

export interface EstimateDifficultyOptions {
  thresholds?: DifficultyThresholds;
  /** Answer equivalence for grouping; `answer/`'s `isEquivalent` by default. */
  equivalent?: (left: string, right: string) => boolean;
  /** The request's grouping, with the probe's answers already placed. */
  grouping?: AnswerGrouping;
}

export function computeProbeSignals(
  samples: readonly ProbeSample[],
  equivalent?: (left: string, right: string) => boolean,
  grouping?: AnswerGrouping,
): ProbeSignals {
  const { groups } = groupAnswers(
    samples.map((sample) => sample.answer),
    equivalent,
    grouping,
  );
  const counts = groups.map((group) => group.members.length);
  const validAnswers = counts.reduce((sum, count) => sum + count, 0);
  const top = counts.reduce((best, count) => Math.max(best, count), 0);
  let entropy = 0;
  for (const count of counts) {
    const p = count / validAnswers;
    entropy -= p * Math.log(p);
  }
  const finals = samples.flatMap((sample) => {
    const last = sample.stepScores?.[sample.stepScores.length - 1];
    return last === undefined ? [] : [last];
  });
  return {
    samples: samples.length,
    validAnswers,
    agreement: validAnswers === 0 ? 0 : top / validAnswers,
    normalizedEntropy: validAnswers < 2 ? 0 : entropy / Math.log(validAnswers),
    invalidShare: samples.length === 0 ? 1 : (samples.length - validAnswers) / samples.length,
    meanFinalScore:
      finals.length === 0 ? null : finals.reduce((sum, score) => sum + score, 0) / finals.length,
  };
}

export function binFromSignals(
  signals: ProbeSignals,
  thresholds: DifficultyThresholds,
): { bin: DifficultyBin; reason: string } {
  const score = signals.meanFinalScore;
  const shown = (value: number): string => value.toFixed(2);
  // Whatever the (fitted) thresholds say, a probe without a single answer is never easy.
  if (signals.validAnswers === 0) {
    return { bin: 'hard', reason: 'no probe sample has an answer' };
  }
  if (signals.invalidShare >= thresholds.hardMinInvalidShare) {
    return {
      bin: 'hard',
      reason: `${shown(signals.invalidShare)} of the probe has no answer (≥ ${shown(thresholds.hardMinInvalidShare)})`,
    };
  }
  if (signals.agreement < thresholds.hardBelowAgreement) {
    return {
      bin: 'hard',
      reason: `answer agreement ${shown(signals.agreement)} < ${shown(thresholds.hardBelowAgreement)}`,
    };
  }
  if (score !== null && score <= thresholds.hardMaxMeanFinalScore) {
    return {
      bin: 'hard',
      reason: `mean final PRM score ${shown(score)} ≤ ${shown(thresholds.hardMaxMeanFinalScore)}`,
    };
  }
  const isScoreEasy = score === null || score >= thresholds.easyMinMeanFinalScore;
  if (isScoreEasy && signals.agreement >= thresholds.easyMinAgreement) {
    const scorePart =
      score === null
        ? 'no PRM scores'
        : `mean final PRM score ${shown(score)} ≥ ${shown(thresholds.easyMinMeanFinalScore)}`;
    return {
      bin: 'easy',
      reason: `answer agreement ${shown(signals.agreement)} ≥ ${shown(thresholds.easyMinAgreement)} and ${scorePart}`,
    };
  }
  return { bin: 'medium', reason: 'neither the easy nor a hard condition holds' };
}

/** Estimate the bin of one problem from its probe. */
export function estimateDifficulty(
  samples: readonly ProbeSample[],
  options: EstimateDifficultyOptions = {},
): DifficultyEstimate {
  const thresholds = options.thresholds ?? DEFAULT_DIFFICULTY_THRESHOLDS;
  const signals = computeProbeSignals(samples, options.equivalent, options.grouping);
  const { bin, reason } = binFromSignals(signals, thresholds);
  return { bin, signals, thresholds: { ...thresholds }, reason };
}

/** The paper's oracle bin from Pass@1 (docs/paper-findings.md#difficulty-bins): easy ≥ 0.5, medium 0.1–0.5, hard < 0.1. */
export function binFromPassAt1(passAt1: number): DifficultyBin {
  if (passAt1 >= 0.5) return 'easy';
  if (passAt1 >= 0.1) return 'medium';
  return 'hard';
}
