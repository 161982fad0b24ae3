/**
 * The adaptive strategy (`auto`: probe, strategy table, early stopping) against fixed Best-of-N,
 * replicated over several seeds (fresh problems and request seeds per seed), counting every
 * policy token (prompt + completion; PRM tokens apart):
 * - at equal N: auto-16 vs BoN-16, the share of total tokens saved and the accuracy difference;
 * - at equal budget: BoN's accuracy at auto-16's token spend, interpolated along BoN-4/8/16 (a
 *   curve fixed before the results are seen), minus auto-16's accuracy.
 * Each quantity is given per seed and as a mean with a 95% t-interval over the seeds.
 */
import type { Pool } from 'undici';
import { generateProblems } from '../../../src/sim';
import { runComputeEfficiency, type Variant } from './compute-efficiency';
import { mean, round } from '../lib/summarize';

export interface AdaptiveOptions {
  seeds: readonly number[];
  problemsPerSeed: number;
  concurrency: number;
}

const VARIANTS: Variant[] = [
  { name: 'auto_16', budget: { n: 16, strategy: 'auto' } },
  { name: 'best_of_n_16', budget: { n: 16, strategy: 'best_of_n' } },
  { name: 'best_of_n_8', budget: { n: 8, strategy: 'best_of_n' } },
  { name: 'best_of_n_4', budget: { n: 4, strategy: 'best_of_n' } },
];

/** Two-sided 95% Student t quantiles by degrees of freedom (1..10). */
const T_975 = [NaN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228];

export function interval(values: readonly number[]): {
  mean: number;
  low: number;
  high: number;
  n: number;
} {
  const m = mean(values);
  const n = values.length;
  if (n < 2) return { mean: round(m), low: NaN, high: NaN, n };
  const sd = Math.sqrt(values.reduce((sum, v) => sum + (v - m) ** 2, 0) / (n - 1));
  const half = (T_975[Math.min(n - 1, 10)] ?? 2) * (sd / Math.sqrt(n));
  return { mean: round(m), low: round(m - half), high: round(m + half), n };
}

interface Row {
  accuracy: number;
  totalTokens: number;
  completionTokens: number;
  promptTokens: number;
}

function rowOf(report: Record<string, unknown>, name: string): Row {
  const variant = (report[name] ?? {}) as Record<string, number>;
  const completion = variant.policy_completion_tokens_per_problem ?? NaN;
  const prompt = variant.policy_prompt_tokens_per_problem ?? NaN;
  return {
    accuracy: variant.accuracy ?? NaN,
    completionTokens: completion,
    promptTokens: prompt,
    totalTokens: completion + prompt,
  };
}

/** BoN accuracy at `tokens` along the BoN curve (linear between points, clamped at its ends). */
function accuracyAtTokens(curve: readonly Row[], tokens: number): number {
  const sorted = [...curve].sort((a, b) => a.totalTokens - b.totalTokens);
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  if (first === undefined || last === undefined) return NaN;
  if (tokens <= first.totalTokens) return first.accuracy;
  if (tokens >= last.totalTokens) return last.accuracy;
  for (let i = 1; i < sorted.length; i++) {
    const low = sorted[i - 1] as Row;
    const high = sorted[i] as Row;
    if (tokens <= high.totalTokens) {
      const t = (tokens - low.totalTokens) / (high.totalTokens - low.totalTokens);
      return low.accuracy + t * (high.accuracy - low.accuracy);
    }
  }
  return last.accuracy;
}

export async function runAdaptive(
  pool: Pool,
  options: AdaptiveOptions,
): Promise<Record<string, unknown>> {
  const perSeed: Record<string, unknown>[] = [];
  const savings: number[] = [];
  const accuracyDiffs: number[] = [];
  const equalBudgetDiffs: number[] = [];
  for (const seed of options.seeds) {
    const problems = generateProblems({ seed: 40_000 + seed, count: options.problemsPerSeed });
    const report = await runComputeEfficiency(pool, {
      problems,
      variants: VARIANTS,
      concurrency: options.concurrency,
      seedBase: seed * 1_000_000,
    });
    const auto = rowOf(report, 'auto_16');
    const bon = rowOf(report, 'best_of_n_16');
    const curve = ['best_of_n_4', 'best_of_n_8', 'best_of_n_16'].map((name) => rowOf(report, name));
    const saving = 1 - auto.totalTokens / bon.totalTokens;
    const accuracyDiff = auto.accuracy - bon.accuracy;
    const equalBudget = auto.accuracy - accuracyAtTokens(curve, auto.totalTokens);
    savings.push(saving);
    accuracyDiffs.push(accuracyDiff);
    equalBudgetDiffs.push(equalBudget);
    perSeed.push({
      seed,
      problems: `generateProblems({ seed: ${40_000 + seed}, count: ${options.problemsPerSeed} })`,
      variants: report,
      equal_n_total_tokens_saved_share: round(saving),
      equal_n_completion_tokens_saved_share: round(
        1 - auto.completionTokens / bon.completionTokens,
      ),
      equal_n_prompt_tokens_change_share: round(auto.promptTokens / bon.promptTokens - 1),
      equal_n_accuracy_difference: round(accuracyDiff),
      equal_budget_accuracy_difference: round(equalBudget),
    });
  }
  return {
    seeds: options.seeds,
    per_seed: perSeed,
    equal_n_total_tokens_saved_share: interval(savings),
    equal_n_accuracy_difference: interval(accuracyDiffs),
    equal_budget_accuracy_difference_vs_bon_curve: interval(equalBudgetDiffs),
    definitions: {
      total_tokens: 'policy prompt + completion tokens per problem (PRM tokens listed per variant)',
      interval: 'mean over seeds with a two-sided 95% Student t interval',
      equal_budget:
        "auto-16's accuracy minus BoN's accuracy at the same total tokens, interpolated along BoN-4/8/16",
    },
  };
}
