/**
 * Compute efficiency of request variants on generated simulator problems (graded with the proxy's
 * own `isEquivalent`): accuracy, policy prompt and completion tokens, PRM tokens, and the budget
 * in two units — generations (every continuation requested, beam-search step candidates summed
 * over rounds: the top-level `tts.budget_spent`) and the paper's N (`tts.auto.budget_spent` for
 * auto; the request's N for a fixed method). `auto` variants are also split by the method each
 * problem ran. The adaptive section (adaptive.ts) turns these into comparisons.
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
  /**
   * The policy simulator's token counters: read around each variant, the tokens it served
   * cross-check what the proxy's metadata says it spent (nothing else calls it meanwhile).
   */
  policyStats?: () => Promise<{ promptTokens: number; completionTokens: number }>;
}

interface MethodTally {
  problems: number;
  correct: number;
  promptTokens: number;
  completionTokens: number;
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
    let generations = 0;
    let budgetN = 0;
    let earlyStopped = 0;
    let samplesSaved = 0;
    const methods: Record<string, number> = {};
    const byMethod: Record<string, MethodTally> = {};
    const servedBefore = await options.policyStats?.();
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
        const isCorrect = meta.selected_answer !== null && isEquivalent(gold, meta.selected_answer);
        if (isCorrect) correct += 1;
        completionTokens += meta.policy_completion_tokens;
        promptTokens += meta.policy_prompt_tokens;
        prmTokens += meta.prm_tokens;
        generations += Number.isFinite(meta.budget_spent) ? meta.budget_spent : 0;
        budgetN += meta.auto_budget_spent ?? meta.n;
        if (meta.early_stop?.stopped) earlyStopped += 1;
        samplesSaved += meta.early_stop?.samples_saved ?? 0;
        methods[meta.method] = (methods[meta.method] ?? 0) + 1;
        const tally = (byMethod[meta.method] ??= {
          problems: 0,
          correct: 0,
          promptTokens: 0,
          completionTokens: 0,
        });
        tally.problems += 1;
        if (isCorrect) tally.correct += 1;
        tally.promptTokens += meta.policy_prompt_tokens;
        tally.completionTokens += meta.policy_completion_tokens;
      },
    });
    const n = options.problems.length;
    const servedAfter = await options.policyStats?.();
    const served =
      servedBefore && servedAfter
        ? {
            prompt: servedAfter.promptTokens - servedBefore.promptTokens,
            completion: servedAfter.completionTokens - servedBefore.completionTokens,
          }
        : null;
    out[variant.name] = {
      request: { tts_budget: variant.budget, ...variant.extra },
      problems: n,
      errors: result.errors,
      accuracy: ratio(correct, n),
      policy_completion_tokens_per_problem: round(completionTokens / n, 1),
      policy_prompt_tokens_per_problem: round(promptTokens / n, 1),
      prm_tokens_per_problem: round(prmTokens / n, 1),
      // What the policy simulator itself counted: the metadata's totals must match it.
      ...(served
        ? {
            policy_tokens_served_by_simulator_per_problem: {
              prompt: round(served.prompt / n, 1),
              completion: round(served.completion / n, 1),
            },
            // Six digits: the target allows 0.001, and rounding must not decide it.
            policy_tokens_metadata_over_served:
              served.prompt + served.completion === 0
                ? null
                : round((promptTokens + completionTokens) / (served.prompt + served.completion), 6),
          }
        : {}),
      budget_spent_n_per_problem: round(budgetN / n, 2),
      generations_per_problem: round(generations / n, 2),
      early_stopped_share: ratio(earlyStopped, n),
      early_stop_saved_samples_per_problem: round(samplesSaved / n, 2),
      methods_run: methods,
      by_method_run: Object.fromEntries(
        Object.entries(byMethod).map(([method, tally]) => [
          method,
          {
            problems: tally.problems,
            accuracy: ratio(tally.correct, tally.problems),
            policy_prompt_tokens_per_problem: round(tally.promptTokens / tally.problems, 1),
            policy_completion_tokens_per_problem: round(tally.completionTokens / tally.problems, 1),
          },
        ]),
      ),
    };
  }
  return out;
}
