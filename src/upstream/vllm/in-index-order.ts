/**
 * A response's items (`choices`, `data`) in `index` order. vLLM lists them in order, so the list
 * is checked first and handed back as it is; only a list out of order is copied and sorted (the
 * sort is stable, as before). Runs on every policy and PRM answer. Callers only read the result.
 */
export function inIndexOrder<T extends { index: number }>(items: readonly T[]): readonly T[] {
  for (let i = 1; i < items.length; i++) {
    if ((items[i - 1] as T).index > (items[i] as T).index) return [...items].sort(byIndex);
  }
  return items;
}

function byIndex(a: { index: number }, b: { index: number }): number {
  return a.index - b.index;
}
