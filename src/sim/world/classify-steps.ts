import { readStep } from './parse-step';
import type { SimProblem } from './problem-world';

/** Where a step sits in the problem's chains; null for a foreign step (no known value). */
export interface StepMatch {
  /** 0 = the true chain, j > 0 = wrong chain j. */
  chain: number;
  /** 1-based step index on the chain. */
  index: number;
}

export interface ClassifiedStep {
  text: string;
  match: StepMatch | null;
  isBoxed: boolean;
}

function findChainAt(problem: SimProblem, value: number, index: number): number | null {
  for (let chain = 0; chain < problem.chains.length; chain++) {
    if (problem.chains[chain]?.[index] === value) return chain;
  }
  return null;
}

/**
 * Locates a step's result in the chains. The expected position (one after the previous match) is
 * tried first, then the nearest other position, because a path may contain extra foreign steps.
 */
export function matchStep(
  problem: SimProblem,
  text: string,
  expectedIndex: number,
): ClassifiedStep {
  const reading = readStep(text);
  if (reading.value === null) return { text, match: null, isBoxed: reading.isBoxed };
  const last = problem.numSteps;
  if (reading.isBoxed) {
    const chain = findChainAt(problem, reading.value, last);
    return { text, match: chain === null ? null : { chain, index: last }, isBoxed: true };
  }
  // Nearest position first; on equal distance the earlier one (expected − d before expected + d).
  for (let distance = 0; distance < 2 * last; distance++) {
    for (const index of distance === 0
      ? [expectedIndex]
      : [expectedIndex - distance, expectedIndex + distance]) {
      if (index < 1 || index > last) continue;
      const chain = findChainAt(problem, reading.value, index);
      if (chain !== null) return { text, match: { chain, index }, isBoxed: false };
    }
  }
  return { text, match: null, isBoxed: false };
}

/** Classifies steps in order; foreign steps advance the expected position by one. */
export function classifySteps(problem: SimProblem, steps: readonly string[]): ClassifiedStep[] {
  let position = 0;
  return steps.map((text) => {
    const classified = matchStep(problem, text, position + 1);
    position = classified.match ? classified.match.index : Math.min(position + 1, problem.numSteps);
    return classified;
  });
}

/**
 * True when `text` is plausibly step 1 of this problem: its result is a step-1 value of some chain
 * and it mentions the start value and the first operand. The extra numbers make a chance match of
 * a random split (a different problem hashed from a cut question) negligible.
 */
export function isFirstStepOf(problem: SimProblem, text: string): boolean {
  const reading = readStep(text);
  if (reading.value === null || findChainAt(problem, reading.value, 1) === null) return false;
  const numbers = new Set(Array.from(text.matchAll(/\d+/g), (match) => Number(match[0])));
  return (
    numbers.has(problem.chains[0]?.[0] ?? NaN) && numbers.has(problem.operations[0]?.operand ?? NaN)
  );
}
