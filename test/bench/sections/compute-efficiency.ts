/**
 * Section 5, compute efficiency: policy tokens per problem and accuracy of each variant on
 * generated simulator problems (graded with the proxy's own `isEquivalent`). Each variant is one
 * request body. `compareVariants` then states what the adaptive variant (`auto`: probe, strategy
 * table, early stopping) saves against a fixed one at the same budget: the share of policy
 * completion tokens not spent, and the accuracy difference.
 */
import type { Pool } from 'undici';
import { isEquivalent } from '../../../src/answer';
import { runLoad } from '../lib/run-load';
import { ratio, round } from '../lib/summarize';
import { ttsBody, ttsMeta } from '../lib/tts-wire';

export interface Variant {
  name: string;
  budget: unknown;
  extra?: Record<string, unknown>;
}

export interface ComputeEfficiencyOptions {
  problems: readonly { problem: string; answer: string; difficulty: number }[];
  variants: readonly Variant[];
  concurrency: number;
  /** Added to each request's seed (replications use different seeds). */
  seedBase?: number;
}

export async function runComputeEfficiency(
  pool: Pool,
  options: ComputeEfficiencyOptions,
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const variant of options.variants) {
    let correct = 0;
    let completionTokens = 0;
    let promptTokens = 0;
    let prmTokens = 0;
    let budgetSpent = 0;
    let earlyStopped = 0;
    let samplesSaved = 0;
    const methods: Record<string, number> = {};
    const result = await runLoad({
      pool,
      path: '/v1/chat/completions',
      count: options.problems.length,
      concurrency: options.concurrency,
      body: (i) =>
        ttsBody(options.problems[i]?.problem ?? '', variant.budget, {
          seed: (options.seedBase ?? 0) + 7_000 + i,
          ...variant.extra,
        }),
      onResponse: (i, _s, json) => {
        const meta = ttsMeta(json);
        const gold = options.problems[i]?.answer ?? '';
        if (meta.selected_answer !== null && isEquivalent(gold, meta.selected_answer)) correct += 1;
        completionTokens += meta.policy_completion_tokens;
        promptTokens += meta.policy_prompt_tokens;
        prmTokens += meta.prm_tokens;
        budgetSpent += Number.isFinite(meta.budget_spent) ? meta.budget_spent : 0;
        if (meta.early_stop?.stopped) earlyStopped += 1;
        samplesSaved += meta.early_stop?.samples_saved ?? 0;
        methods[meta.method] = (methods[meta.method] ?? 0) + 1;
      },
    });
    const n = options.problems.length;
    out[variant.name] = {
      request: { tts_budget: variant.budget, ...variant.extra },
      problems: n,
      errors: result.errors,
      accuracy: ratio(correct, n),
      policy_completion_tokens_per_problem: round(completionTokens / n, 1),
      policy_prompt_tokens_per_problem: round(promptTokens / n, 1),
      prm_tokens_per_problem: round(prmTokens / n, 1),
      samples_per_problem: round(budgetSpent / n, 2),
      early_stopped_share: ratio(earlyStopped, n),
      early_stop_saved_samples_per_problem: round(samplesSaved / n, 2),
      methods_run: methods,
    };
  }
  return out;
}

/** One numeric field of one variant in a `runComputeEfficiency` report (NaN when absent). */
function variantField(report: Record<string, unknown>, name: string, key: string): number {
  const variant = report[name];
  const value =
    typeof variant === 'object' && variant !== null
      ? (variant as Record<string, unknown>)[key]
      : undefined;
  return typeof value === 'number' ? value : NaN;
}

/** What `adaptive` saves against `fixed` (both variants of one `runComputeEfficiency` report). */
export function compareVariants(
  report: Record<string, unknown>,
  adaptive: string,
  fixed: string,
): Record<string, unknown> {
  const pick = (name: string, key: string): number => variantField(report, name, key);
  const adaptiveTokens = pick(adaptive, 'policy_completion_tokens_per_problem');
  const fixedTokens = pick(fixed, 'policy_completion_tokens_per_problem');
  return {
    adaptive,
    fixed,
    policy_tokens_saved_share: round(1 - adaptiveTokens / fixedTokens),
    accuracy_adaptive: pick(adaptive, 'accuracy'),
    accuracy_fixed: pick(fixed, 'accuracy'),
    accuracy_difference: round(pick(adaptive, 'accuracy') - pick(fixed, 'accuracy')),
  };
}

/**
 * Policy tokens to reach the fixed variant's accuracy: the cheapest of `adaptive` (e.g. auto at
 * N = 4, 8, 16) whose accuracy is at least `fixed`'s, and the share of tokens it saves.
 */
export function tokensToReachAccuracy(
  report: Record<string, unknown>,
  adaptive: readonly string[],
  fixed: string,
): Record<string, unknown> {
  const field = (name: string, key: string): number => variantField(report, name, key);
  const target = field(fixed, 'accuracy');
  const fixedTokens = field(fixed, 'policy_completion_tokens_per_problem');
  const reaching = adaptive
    .map((name) => ({
      name,
      accuracy: field(name, 'accuracy'),
      tokens: field(name, 'policy_completion_tokens_per_problem'),
    }))
    .filter((row) => row.accuracy >= target)
    .sort((a, b) => a.tokens - b.tokens);
  const best = reaching[0];
  return {
    fixed,
    fixed_accuracy: target,
    fixed_policy_tokens_per_problem: fixedTokens,
    cheapest_adaptive_at_or_above: best?.name ?? null,
    its_accuracy: best?.accuracy ?? null,
    its_policy_tokens_per_problem: best?.tokens ?? null,
    policy_tokens_saved_share: best ? round(1 - best.tokens / fixedTokens) : null,
  };
}
