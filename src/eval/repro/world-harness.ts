/**
 * The simulated world without HTTP: a `Policy` and a `Verifier` that call the simulator's world
 * functions directly, so the reproduction check can run thousands of searches in seconds. Same
 * world, same draws as the HTTP simulator (which adds tokenizers, templates and wire formats on
 * top; those are tested on their own).
 */
import {
  judgeProfileFor,
  judgeSteps,
  rewardKnobsFor,
  solutionPrefixOf,
  writeContinuation,
  type PolicyFamily,
  type RewardKnobs,
  type SimPrmFamily,
} from '../../sim';
import type { Continuation, GenerateResult, Policy, SamplingParams, Verifier } from '../../tts';

export interface WorldPolicySpec {
  family: PolicyFamily;
  paramsB: number;
}

export interface WorldPrmSpec {
  family: SimPrmFamily;
  paramsB: number;
  overrides?: Partial<RewardKnobs>;
}

const STYLE: Record<PolicyFamily, 'plain' | 'llama' | 'deepseek'> = {
  'qwen2.5': 'plain',
  'llama-3': 'llama',
  'deepseek-r1-distill': 'deepseek',
};
const CHARS_PER_TOKEN = 4;

function tokensOf(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

function cutAtStop(text: string, stop: readonly string[]): Continuation {
  let at = -1;
  let length = 0;
  for (const candidate of stop) {
    const index = text.indexOf(candidate);
    if (index !== -1 && (at === -1 || index < at)) {
      at = index;
      length = candidate.length;
    }
  }
  const kept = at === -1 ? text : text.slice(0, at + length);
  return {
    text: kept,
    finish: at === -1 ? 'eos' : 'stop-sequence',
    completionTokens: tokensOf(kept),
  };
}

/** A policy of the simulated world bound to one question (sample j of a call uses seed + j). */
export function createWorldPolicy(question: string, spec: WorldPolicySpec): Policy {
  return {
    generate(prefixes: readonly string[], params: SamplingParams): Promise<GenerateResult> {
      let completionTokens = 0;
      let promptTokens = 0;
      const outputs = prefixes.map((prefix) => {
        promptTokens += tokensOf(question) + tokensOf(prefix);
        return Array.from({ length: params.n }, (_, j) => {
          const isGreedy = params.temperature < 1e-5;
          const text = writeContinuation(solutionPrefixOf(question, prefix), {
            style: STYLE[spec.family],
            family: spec.family,
            paramsB: spec.paramsB,
            ...(params.stop.includes('\n\n') ? { maxNewSteps: 1 } : {}),
            sampling: isGreedy
              ? null
              : {
                  seed: (params.seed ?? 0) + j,
                  temperature: params.temperature,
                  diversity: Math.min(1, params.temperature) * params.topP,
                },
          });
          const continuation = cutAtStop(text, params.stop);
          completionTokens += continuation.completionTokens;
          return continuation;
        });
      });
      return Promise.resolve({ outputs, promptTokens, completionTokens });
    },
  };
}

/** A PRM of the simulated world judging text written by `judged`. */
export function createWorldVerifier(
  prm: WorldPrmSpec,
  judged: WorldPolicySpec,
  seed: number,
): Verifier {
  const profile = judgeProfileFor(rewardKnobsFor(prm.family, prm.paramsB, prm.overrides), judged);
  return {
    score(question, paths) {
      let promptTokens = 0;
      const scores = paths.map((steps) => {
        promptTokens += tokensOf(question) + steps.reduce((sum, step) => sum + tokensOf(step), 0);
        return judgeSteps(question, steps, { seed, ...profile });
      });
      return Promise.resolve({
        scores,
        promptTokens,
        cachedTokens: 0,
        truncatedPaths: [],
        calls: 1,
      });
    },
  };
}
