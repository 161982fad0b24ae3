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
  /**
   * Reward-aware effects (see `reward/reward-profile.ts`); each left out falls back to the
   * quality-only model: biases shrinking as quality grows.
   */
  overCriticism?: number;
  errorNeglect?: number;
  deceptiveChains?: number;
  lengthBiasPerToken?: number;
  lengthFreeTokens?: number;
  /**
   * Share of `quality` lost on the hardest problems: the loss ramps from 0 at latent difficulty
   * HARD_FROM to this value at 1 (a PRM cannot verify steps far beyond what it can solve).
   */
  hardProblemQualityLoss?: number;
  /**
   * Share of `quality` lost on intermediate (not `\boxed`) steps: PRMs trained on Monte-Carlo
   * labels judge intermediate steps by rollout value, not correctness.
   */
  intermediateStepQualityLoss?: number;
  /** Multiplies the score noise (a PRM's calibration); default 1. */
  noiseScale?: number;
}

export type StepLabel = 'correct' | 'wrong' | 'neutral';

// Separation and noise as functions of quality.
const MAX_MARGIN = 3;
const MIN_NOISE = 0.35;
const EXTRA_NOISE = 6;
// Quality-only model: the share of wrong chains that fool the PRM is DECEPTIVE_RATE * q * (1 - q)
// (32% at quality 0.8, 50% at 0.5; at quality 1 nothing fools it).
const DECEPTIVE_RATE = 2;
// A deceptive wrong step scores between a wrong and a correct one (in units of the margin).
const DECEPTIVE_MEAN = 0.3;
// With reward profiles a deceptive chain is a subtle error, scored almost like a correct step.
const SUBTLE_ERROR_MEAN = 0.85;
const NEUTRAL_NOISE = 0.6;
const NEGLECT_RATE = 0.2;
const OVER_CRITICISM_RATE = 0.1;
const LENGTH_FREE_CHARS = 220;
const LENGTH_PENALTY_PER_CHAR = 0.003;
// Appendix C's examples: an over-criticised correct step at 0.53 (logit ≈ 0.1), a neglected
// error at 0.90–0.99 (logit 2.2–4.6).
const OVER_CRITICISED_LOGIT = 0.1;
const NEGLECTED_LOGIT_LOW = 2.2;
const NEGLECTED_LOGIT_SPAN = 2.4;
const CHARS_PER_TOKEN = 4;
const HARD_FROM = 0.75;

/** The options with quality lowered for this problem's difficulty. */
function forProblem(problem: SimProblem, options: JudgeOptions): JudgeOptions {
  const loss = options.hardProblemQualityLoss ?? 0;
  if (loss === 0) return options;
  const ramp = Math.min(1, Math.max(0, (problem.difficulty - HARD_FROM) / (1 - HARD_FROM)));
  return { ...options, quality: options.quality * (1 - loss * ramp) };
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function labelOf(chain: number | undefined): StepLabel {
  if (chain === undefined) return 'neutral';
  return chain === 0 ? 'correct' : 'wrong';
}

function lengthShift(stepText: string, options: JudgeOptions, quality: number): number {
  if (options.lengthBiasPerToken === undefined)
    return (
      -(1 - quality) * LENGTH_PENALTY_PER_CHAR * Math.max(0, stepText.length - LENGTH_FREE_CHARS)
    );
  const tokens = stepText.length / CHARS_PER_TOKEN;
  return options.lengthBiasPerToken * Math.max(0, tokens - (options.lengthFreeTokens ?? 0));
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
  const noise = (MIN_NOISE + EXTRA_NOISE * (1 - quality)) * (options.noiseScale ?? 1);
  const biasDraw = rng.next();
  const overCriticism = options.overCriticism ?? OVER_CRITICISM_RATE * (1 - quality);
  const errorNeglect = options.errorNeglect ?? NEGLECT_RATE * (1 - quality);
  let mean = 0;
  let spread = label === 'neutral' ? NEUTRAL_NOISE : noise;
  if (label === 'correct')
    mean =
      biasDraw < overCriticism
        ? options.overCriticism === undefined
          ? 0
          : OVER_CRITICISED_LOGIT
        : margin;
  else if (label === 'wrong' && isDeceptive)
    mean = (options.deceptiveChains === undefined ? DECEPTIVE_MEAN : SUBTLE_ERROR_MEAN) * margin;
  else if (label === 'wrong' && biasDraw < errorNeglect) {
    if (options.errorNeglect === undefined) mean = 0.8 * margin;
    else {
      mean = NEGLECTED_LOGIT_LOW + NEGLECTED_LOGIT_SPAN * rng.next();
      spread = MIN_NOISE;
    }
  } else if (label === 'wrong') mean = -margin;
  return sigmoid(mean + lengthShift(stepText, options, quality) + spread * rng.normal());
}

/**
 * Some wrong chains fool a given PRM at every step (systematic error neglect): a plausible-looking
 * mistake is scored like a correct step whichever sibling contains it, which caps what search can
 * gain, as on real PRMs.
 */
function isDeceptiveChain(problem: SimProblem, chain: number, options: JudgeOptions): boolean {
  if (chain === 0) return false;
  const quality = Math.min(1, Math.max(0, options.quality));
  const rate = options.deceptiveChains ?? DECEPTIVE_RATE * quality * (1 - quality);
  return unitFromHash(hashParts('deceptive', options.seed, problem.key, chain)) < rate;
}

/** P(correct) for each step, in order. */
export function judgeSteps(
  question: string,
  steps: readonly string[],
  options: JudgeOptions,
): number[] {
  const problem = problemFor(question);
  const judge = forProblem(problem, options);
  let prefixKey = hashParts('prm', options.seed, problem.key);
  return classifySteps(problem, steps).map((step) => {
    prefixKey = hashParts(prefixKey, step.text.trim());
    const chain = step.match?.chain;
    const isDeceptive = chain !== undefined && isDeceptiveChain(problem, chain, judge);
    const loss = step.isBoxed ? 0 : (judge.intermediateStepQualityLoss ?? 0);
    const stepJudge = loss === 0 ? judge : { ...judge, quality: judge.quality * (1 - loss) };
    return scoreLabel(labelOf(chain), step.text, prefixKey, stepJudge, isDeceptive);
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
