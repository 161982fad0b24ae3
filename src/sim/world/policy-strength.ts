/**
 * How good a simulated policy is. Per-problem pass@1 is a logistic curve in the problem's latent
 * difficulty d: `P = sigmoid(STEEPNESS * (c - e(d)))`, where the ability c grows with model size
 * and e(d) = d plus a steep tail above 0.9. The ability anchors were solved numerically so that
 * mean pass@1 over uniform d follows the CoT column of the paper's Table 5 for Qwen2.5-Instruct
 * (0.5B 31.6 → 0.32, 1.5B 54.4 → 0.50, 7B 76.8 → 0.75, 72B 83.8 → 0.85). A 1.5B policy then sees
 * about 50% easy (pass@1 ≥ 0.5), 27% medium and 22% hard (< 0.1) problems, the paper's bins.
 */

export type PolicyFamily = 'qwen2.5' | 'llama-3' | 'deepseek-r1-distill';

const STEEPNESS = 8;

// [params in billions, ability c]; interpolated linearly in log(params).
const ABILITY_ANCHORS: readonly (readonly [number, number])[] = [
  [0.1, 0.0599],
  [0.5, 0.3109],
  [1.5, 0.5018],
  [3, 0.6412],
  [7, 0.783],
  [14, 0.8522],
  [32, 0.8995],
  [72, 0.9347],
  [400, 0.9956],
];

// The hardest 10% of problems get steeply harder, so even a 72B policy has a few it almost never
// solves (pass@1 < 0.1), which caps what test-time scaling can reach, as in the paper's Table 5.
const TAIL_START = 0.9;
const TAIL_SLOPE = 4;

function effectiveDifficulty(difficulty: number): number {
  return difficulty + TAIL_SLOPE * Math.max(0, difficulty - TAIL_START);
}

// Families are mapped to a Qwen2.5-equivalent size: Llama-3.1-8B CoT (49.8) sits near Qwen2.5-1.5B,
// DeepSeek-R1-Distill-Qwen-1.5B (about 83 on MATH-500) near Qwen2.5-32B (Table 5/6 of the paper).
const FAMILY_SIZE_FACTOR: Record<PolicyFamily, number> = {
  'qwen2.5': 1,
  'llama-3': 0.2,
  'deepseek-r1-distill': 20,
};

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function ability(paramsB: number): number {
  const x = Math.log(Math.max(paramsB, 1e-3));
  const first = ABILITY_ANCHORS[0];
  const last = ABILITY_ANCHORS[ABILITY_ANCHORS.length - 1];
  if (!first || !last) throw new Error('empty ability table');
  if (paramsB <= first[0]) return first[1] - 0.1 * (Math.log(first[0]) - x);
  if (paramsB >= last[0]) return Math.min(1.2, last[1] + 0.02 * (x - Math.log(last[0])));
  for (let i = 1; i < ABILITY_ANCHORS.length; i++) {
    const low = ABILITY_ANCHORS[i - 1];
    const high = ABILITY_ANCHORS[i];
    if (low && high && paramsB <= high[0]) {
      const share = (x - Math.log(low[0])) / (Math.log(high[0]) - Math.log(low[0]));
      return low[1] + share * (high[1] - low[1]);
    }
  }
  return last[1];
}

/** Number of solution steps K for a difficulty: 3 for the easiest problems up to 8 for the hardest. */
export function stepsForDifficulty(difficulty: number): number {
  return 3 + Math.min(5, Math.floor(Math.max(0, difficulty) * 6));
}

/**
 * Probability that a simulated policy solves a problem of the given difficulty in one sample
 * (pass@1), which is also the chance that its greedy solution is right.
 */
export function expectedPassAtOne(
  paramsB: number,
  difficulty: number,
  family: PolicyFamily = 'qwen2.5',
): number {
  return sigmoid(
    STEEPNESS * (ability(paramsB * FAMILY_SIZE_FACTOR[family]) - effectiveDifficulty(difficulty)),
  );
}

/**
 * Probability that one step is correct given that all earlier steps were, averaged geometrically
 * over the K steps: pass@1^(1/K), so that K independent steps reproduce pass@1. (Inside a problem
 * one crux step is harder and the others easier; see `SimProblem.stepWeights`.)
 *
 * @param paramsB policy size in billions of parameters (0.5 … 72 for the Qwen2.5 family)
 * @param difficulty latent problem difficulty in [0, 1] (see `describeProblem`)
 * @param family policy family; defaults to Qwen2.5
 */
export function expectedStepCorrectProbability(
  paramsB: number,
  difficulty: number,
  family: PolicyFamily = 'qwen2.5',
): number {
  return expectedPassAtOne(paramsB, difficulty, family) ** (1 / stepsForDifficulty(difficulty));
}

const meanPassCache = new Map<string, number>();

/** Mean pass@1 over problems of uniform latent difficulty (the world's CoT accuracy). */
export function meanPassAtOne(paramsB: number, family: PolicyFamily = 'qwen2.5'): number {
  const key = `${family}|${paramsB}`;
  const cached = meanPassCache.get(key);
  if (cached !== undefined) return cached;
  const points = 400;
  let sum = 0;
  for (let i = 0; i < points; i++) sum += expectedPassAtOne(paramsB, (i + 0.5) / points, family);
  const mean = sum / points;
  meanPassCache.set(key, mean);
  return mean;
}
