/**
 * Budget ranges around the measured budgets, split at the geometric midpoints (4, 16, 64 →
 * ≤8, 9–32, ≥33): budgets are compared on a log scale, as in the paper's plots.
 */
export function budgetRanges(
  budgets: readonly number[],
): { budget: number; min: number | null; max: number | null }[] {
  const sorted = [...new Set(budgets)].sort((a, b) => a - b);
  return sorted.map((budget, i) => {
    const previous = sorted[i - 1];
    const next = sorted[i + 1];
    return {
      budget,
      min: previous === undefined ? null : Math.floor(Math.sqrt(previous * budget)) + 1,
      max: next === undefined ? null : Math.floor(Math.sqrt(budget * next)),
    };
  });
}
