import type { PrmInput } from './prm-family';

/**
 * Replace every `fromId` by its `toId` (one id for one id, so no position moves).
 * Swaps apply to the ORIGINAL ids only: a swapped-in id is never swapped again.
 */
export function applyTokenSwaps(
  tokenIds: readonly number[],
  swaps: PrmInput['tokenSwaps'],
): number[] {
  if (swaps.length === 0) return [...tokenIds];
  const table = new Map(swaps.map((swap) => [swap.fromId, swap.toId]));
  return tokenIds.map((id) => table.get(id) ?? id);
}
