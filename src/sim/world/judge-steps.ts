import { hashParts, unitFromHash } from '../hash-text';
import { createSimRandom } from '../sim-random';
import { classifySteps, matchStep } from './classify-steps';
import { readStep } from './parse-step';
import { problemFor, type SimProblem } from './problem-world';

/**
 * The simulated PRM's judgement. A step on the true chain is "correct", a step on a wrong chain is
 * "wrong" (so every step after a slip is wrong, Math-Shepherd style: it can no longer reach the
 * answer), anything else is "neutral". Each label becomes a noisy logit whose separation grows
 * with `quality`; the paper's biases (Appendix C) are mixed in: error neglect (a wrong step
 * scored high, and some wrong chains fooling the PRM systematically), over-criticism (a correct
 * step scored near 0.5) and a mild length penalty.
 *
 * Causal by construction: the noise of step i is keyed by the question and steps 1..i only.
 */
export interface JudgeOptions {
  seed: number;
  /** 0..1; 1 = perfectly separated, 0 = uninformative. */
  quality: number;
}

export type StepLabel = 'correct' | 'wrong' | 'neutral';

// Separation and noise as functions of quality (tuned so that Best-of-N and beam search gain over
// majority voting about as much as in the paper, not more).
const MAX_MARGIN = 3;
const MIN_NOISE = 0.35;
const EXTRA_NOISE = 6;
// Share of wrong chains that fool the PRM is DECEPTIVE_RATE * q * (1 - q): 32% at quality 0.8,
// 50% at 0.5; at low quality the margin itself vanishes, at quality 1 nothing fools it.
const DECEPTIVE_RATE = 2;
// A deceptive wrong step scores between a wrong and a correct one (in units of the margin).
const DECEPTIVE_MEAN = 0.3;
const NEUTRAL_NOISE = 0.6;
const NEGLECT_RATE = 0.2;
const OVER_CRITICISM_RATE = 0.1;
const LENGTH_FREE_CHARS = 220;
const LENGTH_PENALTY_PER_CHAR = 0.003;

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function labelOf(chain: number | undefined): StepLabel {
  if (chain === undefined) return 'neutral';
  return chain === 0 ? 'correct' : 'wrong';
}

/** Turns a label into P(correct), with noise keyed by `key`. */
export function scoreLabel(
  label: StepLabel,
  stepText: string,
  key: number,
  options: JudgeOptions,
  isDeceptive = false,
): number {
  const quality = Math.min(1, Math.max(0, options.quality));
  const rng = createSimRandom(key);
  const margin = MAX_MARGIN * quality;
  const noise = MIN_NOISE + EXTRA_NOISE * (1 - quality);
  const biasDraw = rng.next();
  let mean = 0;
  if (label === 'correct') mean = biasDraw < OVER_CRITICISM_RATE * (1 - quality) ? 0 : margin;
  else if (label === 'wrong' && isDeceptive) mean = DECEPTIVE_MEAN * margin;
  else if (label === 'wrong')
    mean = biasDraw < NEGLECT_RATE * (1 - quality) ? 0.8 * margin : -margin;
  const lengthPenalty =
    (1 - quality) * LENGTH_PENALTY_PER_CHAR * Math.max(0, stepText.length - LENGTH_FREE_CHARS);
  const spread = label === 'neutral' ? NEUTRAL_NOISE : noise;
  return sigmoid(mean - lengthPenalty + spread * rng.normal());
}

/**
 * Some wrong chains fool a given PRM at every step (systematic error neglect): a plausible-looking
 * mistake is scored like a correct step whichever sibling contains it, which caps what search can
 * gain, as on real PRMs.
 */
function isDeceptiveChain(problem: SimProblem, chain: number, options: JudgeOptions): boolean {
  if (chain === 0) return false;
  const quality = Math.min(1, Math.max(0, options.quality));
  return (
    unitFromHash(hashParts('deceptive', options.seed, problem.key, chain)) <
    DECEPTIVE_RATE * quality * (1 - quality)
  );
}

/** P(correct) for each step, in order. */
export function judgeSteps(
  question: string,
  steps: readonly string[],
  options: JudgeOptions,
): number[] {
  const problem = problemFor(question);
  let prefixKey = hashParts('prm', options.seed, problem.key);
  return classifySteps(problem, steps).map((step) => {
    prefixKey = hashParts(prefixKey, step.text.trim());
    const chain = step.match?.chain;
    const isDeceptive = chain !== undefined && isDeceptiveChain(problem, chain, options);
    return scoreLabel(labelOf(chain), step.text, prefixKey, options, isDeceptive);
  });
}

/** Outcome-reward judgement: only the last `\boxed{}` answer of the response counts. */
export function judgeOutcome(question: string, response: string, options: JudgeOptions): number {
  const problem: SimProblem = problemFor(question);
  const reading = readStep(response);
  let label: StepLabel = 'neutral';
  if (reading.isBoxed) {
    const match = matchStep(problem, response, problem.numSteps).match;
    label = match?.chain === 0 ? 'correct' : 'wrong';
  }
  return scoreLabel(
    label,
    '',
    hashParts('orm', options.seed, problem.key, response.trim()),
    options,
  );
}
