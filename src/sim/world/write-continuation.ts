import { hashParts, unitFromHash } from '../hash-text';
import { createSimRandom } from '../sim-random';
import { classifySteps } from './classify-steps';
import { expectedPassAtOne, type PolicyFamily } from './policy-strength';
import { pickWrongChain, problemFor, type SimProblem } from './problem-world';
import type { SolutionPrefix } from './solution-prefix';
import { renderStep, renderStepCloser, WORDING_SLOTS, type StepStyle } from './step-text';

export interface ContinuationOptions {
  style: StepStyle;
  family: PolicyFamily;
  paramsB: number;
  /** Null for greedy decoding (temperature 0 or top_k 1). */
  sampling: {
    seed: number;
    temperature: number;
    /** Probability in [0, 1] that a wording slot is drawn at random instead of taking the greedy phrase. */
    diversity: number;
  } | null;
  /**
   * Stop after this many new steps (their "\n\n" separator included when more would follow):
   * the same text a server cuts at its first "\n\n" stop, without writing the rest.
   */
  maxNewSteps?: number;
}

interface PathState {
  chain: number;
  index: number;
  isComplete: boolean;
}

/** Where an existing partial solution stands. Foreign steps keep a correct path correct with the step probability. */
function pathStateOf(
  problem: SimProblem,
  steps: readonly string[],
  stepProbability: number,
): PathState {
  const state: PathState = { chain: 0, index: 0, isComplete: false };
  for (const step of classifySteps(problem, steps)) {
    if (step.match) {
      state.chain = step.match.chain;
      state.index = step.match.index;
    } else {
      state.index = Math.min(state.index + 1, problem.numSteps - 1);
      if (
        state.chain === 0 &&
        unitFromHash(hashParts('foreign', problem.key, step.text)) >= stepProbability
      ) {
        state.chain = pickWrongChain(
          problem,
          unitFromHash(hashParts('foreign-chain', problem.key, step.text)),
        );
      }
    }
    if (step.isBoxed) state.isComplete = true;
  }
  return state;
}

/**
 * The rest of the solution after a prefix, up to the end of the final `\boxed` step (where the
 * model would emit EOS). Stateless: the same prefix and seed give the same text; greedy decoding
 * (sampling null) depends on the prefix only.
 */
export function writeContinuation(prefix: SolutionPrefix, options: ContinuationOptions): string {
  const problem = problemFor(prefix.question);
  // Sampling hotter than T = 1 costs accuracy, as on real models.
  const heat = 1 + Math.max(0, (options.sampling?.temperature ?? 0) - 1);
  const passAtOne = expectedPassAtOne(options.paramsB, problem.difficulty, options.family) ** heat;
  const stepProbability = (index: number): number =>
    passAtOne ** (problem.stepWeights[index - 1] ?? 1 / problem.numSteps);
  const state = pathStateOf(problem, prefix.steps, passAtOne ** (1 / problem.numSteps));
  if (state.isComplete) return '';
  // Folded step by step, so continuing from any prefix of a greedy solution reproduces the rest of it.
  // An open (cut-off) step is left out: it is redrawn with the key it was first drawn with.
  let prefixHash = prefix.steps.reduce(
    (hash, step) => hashParts(hash, step),
    hashParts(problem.key),
  );

  const drawStep = (index: number): { text: string; value: number; isFinal: boolean } => {
    const sampling = options.sampling;
    const rng = createSimRandom(
      sampling
        ? hashParts('sample', sampling.seed, prefixHash, index)
        : hashParts('greedy', prefixHash, index),
    );
    const previousChain = state.chain;
    if (state.chain === 0 && rng.next() >= stepProbability(index)) {
      state.chain = pickWrongChain(problem, rng.next());
    }
    const wording = Array.from({ length: WORDING_SLOTS }, (_, slot) => {
      const greedy = unitFromHash(hashParts('wording', problem.key, index, state.chain, slot));
      return sampling && rng.next() < sampling.diversity ? rng.next() : greedy;
    });
    const isFinal = index >= problem.numSteps;
    const value = problem.chains[state.chain]?.[index] ?? 0;
    const text = renderStep({
      problem,
      style: options.style,
      index,
      previousValue: problem.chains[previousChain]?.[index - 1] ?? 0,
      value,
      isFinal,
      wording,
    });
    prefixHash = hashParts(prefixHash, text);
    return { text, value, isFinal };
  };

  let output = '';
  let index = state.index;
  if (prefix.openStep !== null) {
    index = Math.min(index + 1, problem.numSteps);
    const step = drawStep(index);
    output += step.text.startsWith(prefix.openStep)
      ? step.text.slice(prefix.openStep.length)
      : renderStepCloser(step.value, step.isFinal);
    if (step.isFinal) return output;
  } else {
    output += prefix.separatorNeeded;
  }
  // A path that already reached the last value without boxing it restates the final step.
  const first = Math.min(index + 1, problem.numSteps);
  let written = prefix.openStep !== null ? 1 : 0;
  for (let next = first; next <= problem.numSteps; next++) {
    if (written >= (options.maxNewSteps ?? Infinity)) return output + '\n\n';
    if (next > first || prefix.openStep !== null) output += '\n\n';
    output += drawStep(next).text;
    written++;
  }
  return output;
}
