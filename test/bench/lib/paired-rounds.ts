/**
 * Paired, interleaved rounds: every round measures every arm once, in an order rotated by one
 * each round (A B C, B C A, C A B, ...), so drift and warm-up favour no arm; comparisons are made
 * per round (ratio of the two arms measured side by side) and summarised by median and minimum.
 */
import { median, round } from './summarize';

export async function runPairedRounds<Arm extends string, T>(
  arms: readonly Arm[],
  rounds: number,
  measure: (arm: Arm, roundIndex: number) => Promise<T>,
): Promise<Record<Arm, T[]>> {
  const results = Object.fromEntries(arms.map((arm) => [arm, [] as T[]])) as Record<Arm, T[]>;
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < arms.length; k++) {
      const arm = arms[(r + k) % arms.length] as Arm;
      results[arm].push(await measure(arm, r));
    }
  }
  return results;
}

/** Per-round ratios numerator / denominator with their median and minimum. */
export function pairedRatios(
  numerator: readonly number[],
  denominator: readonly number[],
): { by_round: number[]; median: number; min: number } {
  const byRound = numerator.map((value, index) => round(value / (denominator[index] ?? NaN)));
  return { by_round: byRound, median: round(median(byRound)), min: round(Math.min(...byRound)) };
}
