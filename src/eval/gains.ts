/**
 * The paper's two headline ratios (Table 5 of "Can 1B LLM Surpass 405B LLM?"):
 *
 * - **Performance gain** = (TTS − CoT) / CoT, e.g. (66.2 − 26.0) / 26.0 = 154.6%.
 * - **Efficiency gain**: how much more compute majority voting needs than the TTS method for the
 *   same accuracy, read off the two accuracy-vs-compute curves with interpolation; ">256×" in the
 *   paper means majority voting never got there within the largest budget tried.
 *
 * The paper does not print its exact definition. We compute the two readings that fit it:
 * `arm-best` (the budget at which majority voting would match the arm's best accuracy, ÷ the
 * arm's compute there; a reading of the table's wording) and `majority-best` (compute at majority voting's best
 * point ÷ compute at which the arm first matches it; the definition the authors gave in
 * compute-optimal-tts issue #11). Compute is either the budget N or measured FLOPs.
 */

/** One measured point of an accuracy-vs-compute curve. */
export interface CurvePoint {
  /** Budget N or FLOPs per problem; must be > 0. */
  compute: number;
  /** In [0, 1]. */
  accuracy: number;
}

/**
 * `exact`: both ends interpolated inside measured data. `lower`: the true ratio is at least
 * `value` (majority never reaches the target, or the arm already does at its cheapest point).
 * `upper`: at most `value` (majority already beats the target at its cheapest point). `none`:
 * not defined (no data, or the arm never reaches majority's best).
 */
export type GainBound = 'exact' | 'lower' | 'upper' | 'none';

export interface EfficiencyGain {
  value: number | null;
  bound: GainBound;
  /** The accuracy both curves are matched at. */
  targetAccuracy: number | null;
  armCompute: number | null;
  majorityCompute: number | null;
}

export type EfficiencyTarget = 'arm-best' | 'majority-best';

/** (accuracy − CoT) / CoT; null when CoT accuracy is 0 or unknown. */
export function performanceGain(
  accuracy: number | null,
  cotAccuracy: number | null,
): number | null {
  if (accuracy === null || cotAccuracy === null || cotAccuracy <= 0) return null;
  return (accuracy - cotAccuracy) / cotAccuracy;
}

function sortedCurve(curve: readonly CurvePoint[]): CurvePoint[] {
  for (const point of curve) {
    if (!(point.compute > 0))
      throw new RangeError(`curve compute must be > 0, got ${point.compute}`);
  }
  return [...curve].sort((a, b) => a.compute - b.compute);
}

/** The highest-accuracy point; on ties the cheapest one. */
export function bestPoint(curve: readonly CurvePoint[]): CurvePoint | null {
  let best: CurvePoint | null = null;
  for (const point of sortedCurve(curve)) {
    if (best === null || point.accuracy > best.accuracy) best = point;
  }
  return best;
}

export interface Crossing {
  compute: number;
  /** The curve already reaches the target at its cheapest point, so the true crossing may be lower. */
  isAtFirstPoint: boolean;
}

/**
 * The least compute at which a curve reaches `target`: the first measured segment that crosses
 * it, interpolated linearly in accuracy against log2(compute) (budgets grow geometrically, as in
 * the paper's plots). Null when the curve never reaches the target.
 */
export function computeToReach(curve: readonly CurvePoint[], target: number): Crossing | null {
  const points = sortedCurve(curve);
  const first = points[0];
  if (first === undefined) return null;
  if (first.accuracy >= target) return { compute: first.compute, isAtFirstPoint: true };
  for (let i = 1; i < points.length; i++) {
    const low = points[i - 1] as CurvePoint;
    const high = points[i] as CurvePoint;
    if (high.accuracy >= target && low.accuracy < target) {
      const share = (target - low.accuracy) / (high.accuracy - low.accuracy);
      const log2Compute =
        Math.log2(low.compute) + share * (Math.log2(high.compute) - Math.log2(low.compute));
      return { compute: 2 ** log2Compute, isAtFirstPoint: false };
    }
  }
  return null;
}

const NO_GAIN: EfficiencyGain = {
  value: null,
  bound: 'none',
  targetAccuracy: null,
  armCompute: null,
  majorityCompute: null,
};

/**
 * Efficiency gain of an arm over majority voting (see the module comment for the two targets).
 * Pass CoT as majority's N=1 point when it was measured: majority voting over one sample is CoT.
 */
export function efficiencyGain(
  arm: readonly CurvePoint[],
  majority: readonly CurvePoint[],
  target: EfficiencyTarget,
): EfficiencyGain {
  const armBest = bestPoint(arm);
  const majorityBest = bestPoint(majority);
  if (armBest === null || majorityBest === null) return NO_GAIN;
  if (target === 'arm-best') {
    const crossing = computeToReach(majority, armBest.accuracy);
    if (crossing === null) {
      // Majority never gets there: the gain exceeds what its most expensive point gives.
      const majorityMax = sortedCurve(majority).at(-1) as CurvePoint;
      return {
        value: majorityMax.compute / armBest.compute,
        bound: 'lower',
        targetAccuracy: armBest.accuracy,
        armCompute: armBest.compute,
        majorityCompute: majorityMax.compute,
      };
    }
    return {
      value: crossing.compute / armBest.compute,
      bound: crossing.isAtFirstPoint ? 'upper' : 'exact',
      targetAccuracy: armBest.accuracy,
      armCompute: armBest.compute,
      majorityCompute: crossing.compute,
    };
  }
  const crossing = computeToReach(arm, majorityBest.accuracy);
  if (crossing === null)
    return {
      ...NO_GAIN,
      targetAccuracy: majorityBest.accuracy,
      majorityCompute: majorityBest.compute,
    };
  return {
    value: majorityBest.compute / crossing.compute,
    bound: crossing.isAtFirstPoint ? 'lower' : 'exact',
    targetAccuracy: majorityBest.accuracy,
    armCompute: crossing.compute,
    majorityCompute: majorityBest.compute,
  };
}

/** `12.3×`, `>256×`, `≤0.52×` or `—`, as in the paper's table; small ratios keep two significant digits. */
export function formatGain(gain: EfficiencyGain): string {
  if (gain.value === null) return '—';
  const prefix = gain.bound === 'lower' ? '>' : gain.bound === 'upper' ? '≤' : '';
  const value =
    gain.value >= 100
      ? gain.value.toFixed(0)
      : gain.value >= 1
        ? gain.value.toFixed(1)
        : gain.value.toPrecision(2);
  return `${prefix}${value}×`;
}
