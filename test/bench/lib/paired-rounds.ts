/**
 * Paired, interleaved rounds: every round measures every arm once, and the orders are balanced:
 * round r runs the arms rotated by ⌊r/2⌋, reversed on odd rounds (A B C, C B A, B C A, A C B,
 * C A B, B A C: with three arms every order once in six rounds; with two, A B, B A, B A, A B).
 * A plain rotation by one (A B C, B C A, C A B, ...) would run B right before C in two rounds of
 * three, so whatever drifts within a round (a GC debt, a warming cache, the scheduler's view of
 * a process) would favour one arm of that pair. Comparisons are made per round (ratio of two arms
 * measured side by side) and summarised by median and minimum.
 */
import { MEDIAN_INTERVAL_CONFIDENCE } from './noise';
import { median, medianInterval, percentile, round } from './summarize';

/** How `runPairedRounds` (and each pass of `runSlicedRounds`) orders the arms, for the JSON. */
export const ARM_ORDER =
  'balanced: round r rotated by floor(r/2), reversed on odd rounds (every order equally often)';

/** The order of the arms in round `r`. */
export function armOrder<Arm>(arms: readonly Arm[], r: number): Arm[] {
  const shift = Math.floor(r / 2) % arms.length;
  const rotated = [...arms.slice(shift), ...arms.slice(0, shift)];
  return r % 2 === 1 ? rotated.reverse() : rotated;
}

export async function runPairedRounds<Arm extends string, T>(
  arms: readonly Arm[],
  rounds: number,
  measure: (arm: Arm, roundIndex: number) => Promise<T>,
): Promise<Record<Arm, T[]>> {
  const results = Object.fromEntries(arms.map((arm) => [arm, [] as T[]])) as Record<Arm, T[]>;
  for (let r = 0; r < rounds; r++)
    for (const arm of armOrder(arms, r)) results[arm].push(await measure(arm, r));
  return results;
}

/**
 * Rounds cut into slices: each round runs `slices` passes over the arms (each pass in the next
 * balanced order), so two arms compared in one round sample the same stretch of time, a few
 * hundred milliseconds apart rather than a whole arm's share of the round. Returns each arm's
 * slices per round, for the caller to add up.
 */
export async function runSlicedRounds<Arm extends string, T>(
  arms: readonly Arm[],
  rounds: number,
  slices: number,
  measure: (arm: Arm, roundIndex: number) => Promise<T>,
): Promise<Record<Arm, T[][]>> {
  const results = Object.fromEntries(arms.map((arm) => [arm, [] as T[][]])) as Record<Arm, T[][]>;
  for (let r = 0; r < rounds; r++) {
    for (const arm of arms) results[arm].push([]);
    for (let s = 0; s < slices; s++)
      for (const arm of armOrder(arms, r * slices + s))
        results[arm][r]?.push(await measure(arm, r));
  }
  return results;
}

/** Per-round ratios numerator / denominator with their median and minimum. */
export interface PairedRatios {
  by_round: number[];
  median: number;
  min: number;
  /** The median's distribution-free 90% interval (`medianInterval`): what a verdict must clear. */
  median_interval: [number, number];
  median_interval_coverage: number;
}

export function pairedRatios(
  numerator: readonly number[],
  denominator: readonly number[],
): PairedRatios {
  const byRound = numerator.map((value, index) => round(value / (denominator[index] ?? NaN)));
  const interval = medianInterval(byRound, MEDIAN_INTERVAL_CONFIDENCE);
  return {
    by_round: byRound,
    median: round(median(byRound)),
    min: round(Math.min(...byRound)),
    median_interval: [interval.low, interval.high],
    median_interval_coverage: round(interval.coverage),
  };
}

/**
 * The `p`th percentile of all rounds' samples of one arm over the same of another (nearest rank),
 * with the sample counts. A cross-check beside per-round ratios of tail percentiles: a p99 of 300
 * samples is their third-worst, so when about 1% of requests meet a rare pause the per-round p99
 * flips between "no pause" and "pause" from round to round; pooled, it rests on every round's
 * samples. The rounds still interleave the arms, so drift hits both alike.
 */
export function pooledPercentileRatio(
  numeratorRounds: readonly (readonly number[])[],
  denominatorRounds: readonly (readonly number[])[],
  p: number,
): { numerator: number; denominator: number; ratio: number; samples: [number, number] } {
  const pool = (rounds: readonly (readonly number[])[]): number[] =>
    rounds.flat().sort((a, b) => a - b);
  const top = pool(numeratorRounds);
  const bottom = pool(denominatorRounds);
  const numerator = percentile(top, p);
  const denominator = percentile(bottom, p);
  return {
    numerator: round(numerator),
    denominator: round(denominator),
    ratio: round(numerator / denominator),
    samples: [top.length, bottom.length],
  };
}
