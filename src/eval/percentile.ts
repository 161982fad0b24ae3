/**
 * The q-th quantile (q in [0, 1]) by linear interpolation between order statistics (Hyndman and
 * Fan's type 7, the default of R, NumPy and spreadsheets), so p50 of [1, 2, 3, 4] is 2.5.
 * Returns null for an empty sample.
 */
export function percentile(values: readonly number[], q: number): number | null {
  if (q < 0 || q > 1 || Number.isNaN(q))
    throw new RangeError(`quantile must be in [0, 1], got ${q}`);
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = sorted[lower] as number;
  const high = sorted[upper] as number;
  return low + (high - low) * (position - lower);
}
