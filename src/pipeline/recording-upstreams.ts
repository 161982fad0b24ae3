/**
 * Wrap a request's Policy and Verifier to remember every completed continuation and score, so
 * that when the request's deadline cuts a search short the pipeline can still vote over the
 * complete solutions that were already paid for (degrade, don't fail) — whatever the method.
 */
import { containsAnswer, splitSteps } from '../tts';
import type { Candidate, Policy, Verifier } from '../tts';

export interface RecordingUpstreams {
  policy: Policy;
  verifier: Verifier | null;
  /** Complete solutions seen so far (EOS, or a last step with \boxed), newest last, deduplicated. */
  completeCandidates(): Candidate[];
  usage(): { policyCalls: number; prmCalls: number; policyPromptTokens: number; policyCompletionTokens: number; prmPromptTokens: number; generations: number };
}

export function recordUpstreams(policy: Policy, verifier: Verifier | null): RecordingUpstreams {
  const complete = new Map<string, Candidate>();
  const scores = new Map<string, number[]>();
  const usage = { policyCalls: 0, prmCalls: 0, policyPromptTokens: 0, policyCompletionTokens: 0, prmPromptTokens: 0, generations: 0 };
  const key = (steps: readonly string[]): string => steps.join('\u0001');

  return {
    policy: {
      async generate(prefixes, params, signal) {
        usage.policyCalls += 1;
        usage.generations += prefixes.length * params.n;
        const result = await policy.generate(prefixes, params, signal);
        usage.policyPromptTokens += result.promptTokens;
        usage.policyCompletionTokens += result.completionTokens;
        result.outputs.forEach((continuations, i) => {
          for (const continuation of continuations) {
            const text = (prefixes[i] ?? '') + continuation.text;
            const steps = splitSteps(text);
            const last = steps[steps.length - 1] ?? '';
            const isEos = continuation.finish === 'eos';
            if (!isEos && !containsAnswer(last)) continue;
            if (complete.has(text)) continue;
            complete.set(text, {
              text,
              steps,
              stepScores: null,
              finish: containsAnswer(last) ? 'answer' : 'eos',
              completionTokens: continuation.completionTokens,
            });
          }
        });
        return result;
      },
    },
    verifier: verifier
      ? {
          async score(question, paths, signal) {
            usage.prmCalls += 1;
            const result = await verifier.score(question, paths, signal);
            usage.prmPromptTokens += result.promptTokens;
            paths.forEach((steps, i) => {
              const s = result.scores[i];
              if (s) scores.set(key(steps), s);
            });
            return result;
          },
        }
      : null,
    completeCandidates() {
      return [...complete.values()].map((candidate) => ({ ...candidate, stepScores: scores.get(key(candidate.steps)) ?? null }));
    },
    usage: () => ({ ...usage }),
  };
}
