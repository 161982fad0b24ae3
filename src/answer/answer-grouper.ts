import { mayBeEquivalent, profileAnswer, type AnswerProfile } from './answer-fingerprint';
import type { AnswerGrouping } from './grouping-session';
import { isEquivalent } from './is-equivalent';

/**
 * The default equivalence of voting: `isEquivalent` in either direction (no answer is gold), with
 * relations and sets comparable both ways.
 */
export function votingEquivalent(left: string, right: string): boolean {
  return isEquivalent(left, right, VOTING_EQUIVALENCE);
}

const VOTING_EQUIVALENCE = { symmetric: true, allowSetRelationComparison: true } as const;

export interface AnswerGrouperOptions {
  /**
   * Work allowed per grouper (one per request), in steps: a comparison that cannot reach the
   * expression evaluator costs {@link PLAIN_STEP}, one that may costs {@link SYMBOLIC_STEP}. Counted,
   * not timed, so the grouping is the same on every machine. Past it, answers that still need a
   * comparison are grouped by key equality only, and {@link AnswerGrouper.stats} says so.
   */
  budgetSteps?: number;
  /** A custom equivalence: asked about every pair, with no fingerprint filter and no budget. */
  equivalent?: (left: string, right: string) => boolean;
}

export const DEFAULT_BUDGET_STEPS = 2000;
export const PLAIN_STEP = 1;
export const SYMBOLIC_STEP = 20;

export interface GrouperStats {
  /** Distinct answers seen (each profiled once). */
  distinctAnswers: number;
  /** Comparisons made, by kind, and the steps they cost. */
  plainComparisons: number;
  symbolicComparisons: number;
  stepsUsed: number;
  /** Comparisons the budget (or a failed worker) left out: those pairs count as different. */
  skippedComparisons: number;
  /** Why grouping fell back to key equality, or null when it did not. */
  degradedReason: 'budget-exhausted' | 'worker-failed' | 'not-placed' | null;
}

/**
 * Groups equivalent answers incrementally (early stopping adds a batch at a time; each answer is
 * profiled and placed once per request). An answer joins the first group, in order of creation,
 * whose representative (first answer) is equivalent — the rule `groupAnswers` always had — but
 * it is only compared with representatives its fingerprint does not rule out, and answers with
 * equal keys share a group without a comparison. Equivalence with tolerances is not transitive,
 * so the first-match order is what keeps the result independent of how pairs are filtered.
 */
export class AnswerGrouper implements AnswerGrouping {
  private readonly groupByAnswer = new Map<string, number>();
  private readonly groupByKey = new Map<string, number>();
  private readonly representatives: { answer: string; profile: AnswerProfile }[] = [];
  private readonly budgetSteps: number;
  private readonly counters: GrouperStats = {
    distinctAnswers: 0,
    plainComparisons: 0,
    symbolicComparisons: 0,
    stepsUsed: 0,
    skippedComparisons: 0,
    degradedReason: null,
  };

  constructor(private readonly options: AnswerGrouperOptions = {}) {
    this.budgetSteps = options.budgetSteps ?? DEFAULT_BUDGET_STEPS;
  }

  /** Places every new answer, comparing on this thread. */
  add(answers: readonly (string | null)[]): void {
    for (const answer of answers) {
      if (!this.needsPlacing(answer)) continue;
      const placement = this.beginPlacing(answer);
      if (placement === null) continue;
      this.finishPlacing(placement, (index) => {
        const [left = '', right = ''] = placement.pending[index] ?? [];
        return votingEquivalent(left, right);
      });
    }
  }

  /** The group of an answer placed before, or null for a blank or unplaced answer. */
  groupOf(answer: string | null): number | null {
    return answer === null ? null : (this.groupByAnswer.get(answer) ?? null);
  }

  stats(): GrouperStats {
    return { ...this.counters };
  }

  private needsPlacing(answer: string | null): answer is string {
    return answer !== null && answer.trim() !== '' && !this.groupByAnswer.has(answer);
  }

  /**
   * Walks the groups in order and charges the budget for every candidate the fingerprints leave.
   * Plain pairs before the first symbolic candidate are decided at once; {@link finishPlacing}
   * decides the rest lazily, first match wins.
   */
  private beginPlacing(answer: string): Placement | null {
    const custom = this.options.equivalent;
    // A custom equivalence alone decides: identical strings share a group, nothing else is assumed.
    const profile: AnswerProfile =
      custom === undefined
        ? profileAnswer(answer)
        : { key: answer, fingerprint: { kind: 'unknown' }, isSymbolic: false };
    this.counters.distinctAnswers += 1;
    const sameKey = this.groupByKey.get(profile.key);
    if (sameKey !== undefined) {
      this.groupByAnswer.set(answer, sameKey);
      return null;
    }
    const candidates: Candidate[] = [];
    for (let group = 0; group < this.representatives.length; group += 1) {
      const representative = this.representatives[group];
      if (representative === undefined) continue;
      if (custom !== undefined) {
        if (custom(representative.answer, answer)) return this.settle(answer, profile, group);
        continue;
      }
      if (!mayBeEquivalent(representative.profile.fingerprint, profile.fingerprint)) continue;
      const isSymbolic = representative.profile.isSymbolic || profile.isSymbolic;
      const cost = isSymbolic ? SYMBOLIC_STEP : PLAIN_STEP;
      if (this.counters.stepsUsed + cost > this.budgetSteps) {
        this.counters.skippedComparisons += 1;
        this.counters.degradedReason ??= 'budget-exhausted';
        continue;
      }
      this.counters.stepsUsed += cost;
      if (isSymbolic) {
        this.counters.symbolicComparisons += 1;
        candidates.push({ group, answer: representative.answer });
        continue;
      }
      this.counters.plainComparisons += 1;
      if (candidates.length === 0 && votingEquivalent(representative.answer, answer)) {
        return this.settle(answer, profile, group);
      }
      // After a symbolic candidate, a plain one waits its turn (first match wins).
      if (candidates.length > 0)
        candidates.push({ group, answer: representative.answer, isPlain: true });
    }
    if (candidates.length === 0) return this.settle(answer, profile, null);
    const pending = candidates
      .filter((candidate) => candidate.isPlain !== true)
      .map((candidate) => [candidate.answer, answer] as const);
    return { answer, profile, candidates, pending };
  }

  private finishPlacing(placement: Placement, verdict: (pendingIndex: number) => boolean): void {
    let symbolicIndex = 0;
    for (const candidate of placement.candidates) {
      const isMatch =
        candidate.isPlain === true
          ? votingEquivalent(candidate.answer, placement.answer)
          : verdict(symbolicIndex++);
      if (isMatch) {
        this.settle(placement.answer, placement.profile, candidate.group);
        return;
      }
    }
    this.settle(placement.answer, placement.profile, null);
  }

  /** Records the answer in `group`, or in a new group when null. Always returns null. */
  private settle(answer: string, profile: AnswerProfile, group: number | null): null {
    const target = group ?? this.representatives.push({ answer, profile }) - 1;
    this.groupByAnswer.set(answer, target);
    if (!this.groupByKey.has(profile.key)) this.groupByKey.set(profile.key, target);
    return null;
  }
}

interface Candidate {
  group: number;
  answer: string;
  isPlain?: boolean;
}

interface Placement {
  answer: string;
  profile: AnswerProfile;
  candidates: Candidate[];
  pending: (readonly [string, string])[];
}
