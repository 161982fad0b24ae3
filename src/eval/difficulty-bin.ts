/**
 * Groups for the per-difficulty breakdown. A latent difficulty in [0, 1] falls in one of five
 * equal-width bins (the demo set's `level` is derived the same way, see `generate-demo-set.ts`);
 * MATH's levels are kept as they are.
 */

/** Number of equal-width difficulty bins over [0, 1]. */
export const DIFFICULTY_BINS = 5;

/** The bin of a difficulty in [0, 1], as a label like `"0.2-0.4"`; 1.0 falls in the last bin. */
export function difficultyBin(difficulty: number): string {
  if (!(difficulty >= 0 && difficulty <= 1))
    throw new RangeError(`difficulty must be in [0, 1], got ${difficulty}`);
  const index = Math.min(DIFFICULTY_BINS - 1, Math.floor(difficulty * DIFFICULTY_BINS));
  const low = index / DIFFICULTY_BINS;
  const high = (index + 1) / DIFFICULTY_BINS;
  return `${low.toFixed(1)}-${high.toFixed(1)}`;
}

/** The label of a MATH level, e.g. `"Level 3"`. */
export function levelLabel(level: number): string {
  return `Level ${level}`;
}
