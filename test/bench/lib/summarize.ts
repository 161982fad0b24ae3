/** Small statistics helpers: nearest-rank percentiles, means, rounding for the JSON report. */

export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export function summarize(values: readonly number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, v) => sum + v, 0) / Math.max(1, sorted.length);
  return {
    count: sorted.length,
    mean: round(mean),
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1] ?? NaN),
  };
}

/**
 * The median: the middle value, or the mean of the two middle ones for an even count. Not the
 * nearest-rank 50th percentile, which for an even count is the lower middle value: that read a
 * "≤" target low (of two windows, the better one; of eight rounds, the fourth best).
 */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return NaN;
  const upper = sorted[n >> 1] as number;
  return n % 2 === 1 ? upper : ((sorted[(n >> 1) - 1] as number) + upper) / 2;
}

/** Round to `digits` decimals (3 by default) so the JSON stays readable. */
export function round(value: number, digits = 3): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? NaN : round(numerator / denominator);
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? NaN : values.reduce((sum, v) => sum + v, 0) / values.length;
}

/**
 * A distribution-free interval for the median of `values`: the order statistics x(k) and
 * x(n+1−k) with the largest k whose coverage, 1 − 2·P(Binomial(n, ½) < k), is at least
 * `confidence`. It assumes only independent draws around one median, which is what paired rounds
 * are; with few values it is the whole range (5 values: coverage 0.94), with more it leaves the
 * extremes out (11 values: x(3)..x(9), coverage 0.93). Below the level even at k = 1 (4 values or
 * fewer at 0.9) it is the whole range, with its lower coverage.
 */
export function medianInterval(
  values: readonly number[],
  confidence = 0.9,
): { low: number; high: number; coverage: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { low: NaN, high: NaN, coverage: NaN };
  // below[k] = P(Binomial(n, 1/2) < k), built from the binomial coefficients one term at a time.
  const coverageAt = (k: number): number => {
    let term = 0.5 ** n;
    let below = 0;
    for (let i = 0; i < k; i++) {
      below += term;
      term = (term * (n - i)) / (i + 1);
    }
    return 1 - 2 * below;
  };
  let k = 1;
  while (k + 1 <= Math.floor(n / 2) && coverageAt(k + 1) >= confidence) k++;
  return {
    low: sorted[k - 1] as number,
    high: sorted[n - k] as number,
    coverage: round(coverageAt(k)),
  };
}
