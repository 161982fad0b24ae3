/**
 * A reproduction run as the checks read it: the (policy, PRM) pairs that ran, and accuracies
 * averaged over budgets, split by the paper's Pass@1 difficulty bins, or combined per bin into the
 * paper's oracle compute-optimal number.
 */
import type { TargetPolicy, TargetPrm } from './paper-targets';
import { pairKey } from './reproduction-plan';
import { accuracy, type PairResult } from './run-world-grid';

export interface ReproductionRun {
  budgets: readonly number[];
  problems: number;
  pairs: ReadonlyMap<string, PairResult>;
}

/** A check's outcome; 'not run' when the pairs it needs were not in the run. */
export type Verdict = 'pass' | 'fail' | 'not run';

export type DifficultyBin = 'easy' | 'medium' | 'hard';
export const BINS: readonly DifficultyBin[] = ['easy', 'medium', 'hard'];

/** The paper's bins by per-policy Pass@1: easy ≥ 50%, medium 10–50%, hard < 10%. */
export function passAtOneBin(passAtOne: number): DifficultyBin {
  if (passAtOne >= 0.5) return 'easy';
  if (passAtOne >= 0.1) return 'medium';
  return 'hard';
}

function binMask(pair: PairResult, bin: DifficultyBin | null): boolean[] | undefined {
  if (bin === null) return undefined;
  return pair.passAtOne.map((p) => passAtOneBin(p) === bin);
}

export function binSize(pair: PairResult, bin: DifficultyBin): number {
  return pair.passAtOne.filter((p) => passAtOneBin(p) === bin).length;
}

export class RunView {
  constructor(private readonly run: ReproductionRun) {}

  pair(policy: TargetPolicy, prm: TargetPrm): PairResult | null {
    return this.run.pairs.get(pairKey(policy, prm)) ?? null;
  }

  get largest(): number {
    return Math.max(...this.run.budgets);
  }

  /** Mean accuracy of a method over the budgets ≥ 16. */
  averaged(pair: PairResult, method: string, bin: DifficultyBin | null = null): number {
    const budgets = this.run.budgets.filter((n) => n >= 16);
    const values = budgets.map((n) =>
      accuracy(pair.cells.get(`${method}@${n}`), binMask(pair, bin)),
    );
    return values.reduce((sum, v) => sum + v, 0) / values.length;
  }

  search(pair: PairResult, bin: DifficultyBin | null = null): number {
    return Math.max(this.averaged(pair, 'beam_search', bin), this.averaged(pair, 'dvts', bin));
  }

  at(pair: PairResult, method: string, n: number): number {
    return accuracy(pair.cells.get(`${method}@${n}`));
  }

  /** The paper's oracle: per Pass@1 bin the best cell, combined over the bins. */
  computeOptimal(pair: PairResult): number {
    let right = 0;
    for (const bin of BINS) {
      const mask = binMask(pair, bin);
      const size = binSize(pair, bin);
      if (size === 0) continue;
      let best = 0;
      for (const outcomes of pair.cells.values()) best = Math.max(best, accuracy(outcomes, mask));
      right += (best * size) / 100;
    }
    return (100 * right) / pair.passAtOne.length;
  }
}
