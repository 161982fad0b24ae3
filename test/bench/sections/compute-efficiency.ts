/**
 * Section 5, compute efficiency: policy tokens per problem and accuracy of fixed methods on
 * generated simulator problems (graded with the proxy's own `isEquivalent`). Each variant is one
 * request body; adaptive (early-stopping) variants are added when the proxy offers one.
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
}

export async function runComputeEfficiency(pool: Pool, options: ComputeEfficiencyOptions): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const variant of options.variants) {
    let correct = 0;
    let completionTokens = 0;
    let promptTokens = 0;
    const methods: Record<string, number> = {};
    const result = await runLoad({
      pool,
      path: '/v1/chat/completions',
      count: options.problems.length,
      concurrency: options.concurrency,
      body: (i) => ttsBody(options.problems[i]?.problem ?? '', variant.budget, { seed: 7_000 + i, ...variant.extra }),
      onResponse: (i, _s, json) => {
        const meta = ttsMeta(json);
        const gold = options.problems[i]?.answer ?? '';
        if (meta.selected_answer !== null && isEquivalent(meta.selected_answer, gold)) correct += 1;
        completionTokens += meta.policy_completion_tokens;
        promptTokens += meta.policy_prompt_tokens;
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
      methods_run: methods,
    };
  }
  return out;
}
