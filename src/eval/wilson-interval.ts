/** z for a two-sided 95% interval (the 97.5th percentile of the standard normal). */
export const Z_95 = 1.959963984540054;

export interface Interval {
  low: number;
  high: number;
}

/**
 * The Wilson score interval of a binomial proportion (Wilson 1927). Chosen over the normal
 * ("Wald") interval because eval cells are small and accuracies often sit near 0 or 1, where Wald
 * collapses to a zero-width interval; Wilson stays inside [0, 1] and keeps close to its nominal
 * coverage. Returns null when there are no trials.
 */
export function wilsonInterval(
  successes: number,
  trials: number,
  z: number = Z_95,
): Interval | null {
  if (trials <= 0) return null;
  if (successes < 0 || successes > trials)
    throw new RangeError(`successes ${successes} outside [0, ${trials}]`);
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const center = (p + z2 / (2 * trials)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  // Clamp the rounding noise at the edges (p = 0 gives low = -1e-17).
  return { low: Math.max(0, center - half), high: Math.min(1, center + half) };
}
