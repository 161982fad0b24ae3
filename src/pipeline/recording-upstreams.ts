/**
 * Wrap a request's Policy and Verifier to remember every completed continuation and score, so
 * that when the request's deadline cuts a search short the pipeline can still vote over the
 * complete solutions that were already paid for (degrade, don't fail) — whatever the method.
 *
 * The recording is lazy: a call only keeps references to what it already returned, and the
 * splitting into steps, the answer checks and the de-duplication run in `completeCandidates()`,
 * which only a search cut short by its deadline calls. Every other request pays nothing for it.
 */
import { containsAnswer, splitSteps } from '../tts';
import { takeUpstreamCallsFrom } from '../util';
import type { Candidate, GenerateResult, Policy, ScoreResult, Verifier } from '../tts';

export interface RecordingUpstreams {
  policy: Policy;
  verifier: Verifier | null;
  /** Complete solutions seen so far (EOS, or a last step with \boxed), newest last, deduplicated. */
  completeCandidates(): Candidate[];
  /** The last policy call returned continuations, and every one was cut by its token cap. */
  isLastCallCut(this: void): boolean;
  usage(): {
    policyCalls: number;
    prmCalls: number;
    policyPromptTokens: number;
    policyCompletionTokens: number;
    prmPromptTokens: number;
    generations: number;
  };
}

interface GenerateCall {
  prefixes: readonly string[];
  outputs: GenerateResult['outputs'];
}

interface ScoreCall {
  paths: readonly (readonly string[])[];
  scores: ScoreResult['scores'];
}

const key = (steps: readonly string[]): string => steps.join('\u0001');

export function recordUpstreams(policy: Policy, verifier: Verifier | null): RecordingUpstreams {
  const generated: GenerateCall[] = [];
  const scored: ScoreCall[] = [];
  const usage = {
    policyCalls: 0,
    prmCalls: 0,
    policyPromptTokens: 0,
    policyCompletionTokens: 0,
    prmPromptTokens: 0,
    generations: 0,
  };

  return {
    policy: {
      async generate(prefixes, params, signal) {
        usage.policyCalls += 1;
        usage.generations += prefixes.length * params.n;
        const result = await policy.generate(prefixes, params, signal);
        usage.policyPromptTokens += result.promptTokens;
        usage.policyCompletionTokens += result.completionTokens;
        // A copy of the (short) prefix list: the caller may reuse its array for the next round.
        generated.push({ prefixes: [...prefixes], outputs: result.outputs });
        return result;
      },
    },
    verifier: verifier
      ? {
          async score(question, paths, signal) {
            let result: ScoreResult;
            try {
              result = await verifier.score(question, paths, signal);
            } catch (error) {
              // The calls the verifier made before failing when it says so (it adds them to its
              // error), else 1 as before.
              usage.prmCalls += takeUpstreamCallsFrom(error, usage) ?? 1;
              throw error;
            }
            // Every upstream call the verifier made (its /tokenize calls too), as search-run counts.
            usage.prmCalls += result.calls;
            usage.prmPromptTokens += result.promptTokens;
            scored.push({ paths: [...paths], scores: result.scores });
            return result;
          },
        }
      : null,
    completeCandidates() {
      const scores = new Map<string, number[]>();
      for (const call of scored) {
        call.paths.forEach((steps, i) => {
          const s = call.scores[i];
          if (s) scores.set(key(steps), s);
        });
      }
      const complete = new Map<string, Candidate>();
      for (const call of generated) {
        call.outputs.forEach((continuations, i) => {
          for (const continuation of continuations) {
            const text = (call.prefixes[i] ?? '') + continuation.text;
            if (complete.has(text)) continue;
            const steps = splitSteps(text);
            const last = steps[steps.length - 1] ?? '';
            const hasAnswer = containsAnswer(last);
            if (continuation.finish !== 'eos' && !hasAnswer) continue;
            complete.set(text, {
              text,
              steps,
              stepScores: null,
              finish: hasAnswer ? 'answer' : 'eos',
              completionTokens: continuation.completionTokens,
            });
          }
        });
      }
      return [...complete.values()].map((candidate) => ({
        ...candidate,
        stepScores: scores.get(key(candidate.steps)) ?? null,
      }));
    },
    isLastCallCut() {
      const last = generated[generated.length - 1];
      if (last === undefined) return false;
      let seen = 0;
      for (const continuations of last.outputs)
        for (const continuation of continuations) {
          if (continuation.finish !== 'length') return false;
          seen += 1;
        }
      return seen > 0;
    },
    usage: () => ({ ...usage }),
  };
}
