/**
 * Whole-solution sampling, shared by CoT, majority vote, Best-of-N and the verifier-less
 * fallbacks: one policy call, no stop string, each sample generated to EOS within the
 * whole-solution cap, then split into "\n\n" steps as the paper's BoN does before scoring.
 */
import type { Continuation } from './policy';
import type { SearchRun } from './search-run';
import type { Candidate, CandidateFinish } from './search-types';
import { containsAnswer, splitSteps } from './steps';

export interface SampleParams {
  temperature: number;
  topP: number;
}

/**
 * Draw `count` full solutions in ONE policy call (`generate([''], { n: count })`). The candidates
 * are unscored (`stepScores: null`).
 *
 * @throws what `run.generate` throws.
 */
export async function sampleSolutions(
  run: SearchRun,
  count: number,
  params: SampleParams,
): Promise<Candidate[]> {
  const outputs = await run.generate([''], {
    temperature: params.temperature,
    topP: params.topP,
    maxTokens: run.options.maxTotalTokens,
    stop: [],
    n: count,
  });
  return (outputs[0] ?? []).map(toCandidate);
}

/** An unscored candidate (a module-level function: a per-call closure kept V8 re-optimising). */
function toCandidate(sample: Continuation): Candidate {
  return {
    text: sample.text,
    steps: splitSteps(sample.text),
    stepScores: null,
    finish: solutionFinish(sample),
    completionTokens: sample.completionTokens,
  };
}

/** How a solution generated to EOS ended: truncated, or complete with or without `\boxed`. */
export function solutionFinish(
  continuation: Pick<Continuation, 'text' | 'finish'>,
): CandidateFinish {
  if (continuation.finish === 'length') return 'length';
  return containsAnswer(continuation.text) ? 'answer' : 'eos';
}
