import type { SearchOptions } from './search-types';

export interface BeamShape {
  /** Children per kept beam each round after the first: M, or N when N < M. */
  width: number;
  /** Beams kept (beam search) or subtrees (DVTS): N/M rounded down, at least 1. */
  count: number;
}

/**
 * The paper's split of the budget N with beam width M: N/M beams (or subtrees) times M children
 * = at most N continuations per round. M is capped at N so that a budget smaller than the width
 * still never asks for more than N continuations in a round.
 */
export function beamShape(options: Pick<SearchOptions, 'n' | 'm'>): BeamShape {
  const width = Math.min(options.m, options.n);
  return { width, count: Math.max(1, Math.floor(options.n / width)) };
}
