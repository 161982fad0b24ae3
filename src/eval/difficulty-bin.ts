/**
 * Groups for the per-difficulty breakdown. Difficulty is the paper's (arXiv 2502.06703, Figure 3): the
 * policy's own Pass@1 on the problem, easy ≥ 50%, medium 10–50%, hard < 10%, estimated from the
 * samples of the run's sample-based arms. MATH's levels (and the demo set's) are a separate table.
 */

/** Number of levels of the generated demo set (equal-width latent-difficulty bands). */
export const DIFFICULTY_BINS = 5;

export const PASS_AT_ONE_BINS = ['easy', 'medium', 'hard'] as const;
export type PassAtOneBin = (typeof PASS_AT_ONE_BINS)[number];

/** The paper's bin of a per-problem Pass@1 in [0, 1]. */
export function passAtOneBin(passAtOne: number): PassAtOneBin {
  if (!(passAtOne >= 0 && passAtOne <= 1))
    throw new RangeError(`Pass@1 must be in [0, 1], got ${passAtOne}`);
  if (passAtOne >= 0.5) return 'easy';
  if (passAtOne >= 0.1) return 'medium';
  return 'hard';
}

/** The label of a bin in reports, e.g. `"medium (Pass@1 10-50%)"`. */
export function passAtOneLabel(bin: PassAtOneBin): string {
  return {
    easy: 'easy (Pass@1 ≥ 50%)',
    medium: 'medium (Pass@1 10-50%)',
    hard: 'hard (Pass@1 < 10%)',
  }[bin];
}

/** The label of a MATH level, e.g. `"Level 3"`. */
export function levelLabel(level: number): string {
  return `Level ${level}`;
}
