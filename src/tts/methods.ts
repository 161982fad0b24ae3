/**
 * The table from method name to implementation (search-and-learn's driver keeps the same table).
 */
import { BEAM_SEARCH_DEFAULTS, beamSearch } from './beam-search';
import { BEST_OF_N_DEFAULTS, bestOfN } from './best-of-n';
import { COT_DEFAULTS, cot } from './cot';
import { DVTS_DEFAULTS, dvts } from './dvts';
import { MAJORITY_VOTE_DEFAULTS, majorityVote } from './majority-vote';
import type { MethodName, SearchMethod, SearchOptions } from './search-types';

export const METHODS: Readonly<Record<MethodName, SearchMethod>> = Object.freeze({
  cot,
  majority: majorityVote,
  best_of_n: bestOfN,
  beam_search: beamSearch,
  dvts,
});

/** The paper's settings for each method (the defaults object beside each method). */
export const METHOD_DEFAULTS: Readonly<Record<MethodName, Readonly<SearchOptions>>> = Object.freeze(
  {
    cot: COT_DEFAULTS,
    majority: MAJORITY_VOTE_DEFAULTS,
    best_of_n: BEST_OF_N_DEFAULTS,
    beam_search: BEAM_SEARCH_DEFAULTS,
    dvts: DVTS_DEFAULTS,
  },
);

/** What the layers around a method must know of it, declared beside the method table. */
export interface MethodTraits {
  /** Scores with the PRM (a `Verifier`): without one configured the method cannot run. */
  needsVerifier: boolean;
  /**
   * Extends partial solutions step by step in beams of width M (N a positive multiple of M); a
   * stack that can only sample whole solutions cannot run it.
   */
  isStepWise: boolean;
}

export const METHOD_TRAITS: Readonly<Record<MethodName, Readonly<MethodTraits>>> = Object.freeze({
  cot: { needsVerifier: false, isStepWise: false },
  majority: { needsVerifier: false, isStepWise: false },
  best_of_n: { needsVerifier: true, isStepWise: false },
  beam_search: { needsVerifier: true, isStepWise: true },
  dvts: { needsVerifier: true, isStepWise: true },
});

/** Narrow a string (e.g. from a request) to a method name. */
export function isMethodName(value: string): value is MethodName {
  return Object.hasOwn(METHODS, value);
}
