import { hashParts } from '../hash-text';
import { createSimRandom, type SimRandom } from '../sim-random';
import { describeProblem, SIM_NAMES as NAMES, SIM_NOUNS as THINGS } from './problem-world';

const EVENTS = [
  'a week of trades',
  'a busy weekend market',
  'a school fair',
  'a month of birthdays',
  'a long holiday',
];

// The numbers in a generated problem are flavour only: the answer comes from the text's hash, so
// these problems are meaningful to the simulator alone (they are tagged "sim problem").
const TEMPLATES: readonly ((rng: SimRandom, tag: string) => string)[] = [
  (rng, tag) =>
    `(sim problem ${tag}) ${rng.pick(NAMES)} keeps a collection of ${rng.pick(THINGS)}. During ${rng.pick(EVENTS)}, some are bought, some are given away and some are exchanged. Following the ledger, how many are left at the end?`,
  (rng, tag) =>
    `(sim problem ${tag}) A shop starts the day with a stock of ${rng.pick(THINGS)}. It receives ${rng.int(2, 9)} deliveries and makes several sales. How many remain in stock after all recorded changes?`,
  (rng, tag) =>
    `(sim problem ${tag}) ${rng.pick(NAMES)} and ${rng.pick(NAMES)} pool their ${rng.pick(THINGS)}, then repeatedly double, share and add to the pile as described. What is the final size of the pile?`,
  (rng, tag) =>
    `(sim problem ${tag}) A sequence of operations is applied to the number of ${rng.pick(THINGS)} in a box: additions, removals and multiplications, in the order given. Compute the resulting count.`,
  (rng, tag) =>
    `(sim problem ${tag}) In a game, ${rng.pick(NAMES)} gains and loses points over ${rng.int(3, 8)} rounds, and one round triples the score. What is the score at the end of the game?`,
];

/**
 * Deterministic synthetic problems with their simulator answers. With `difficulty: [lo, hi]` only
 * problems whose latent difficulty falls in that range are kept (rejection sampling).
 */
export function generateProblems(options: {
  seed: number;
  count: number;
  difficulty?: [number, number];
}): { problem: string; answer: string; difficulty: number }[] {
  const [low, high] = options.difficulty ?? [0, 1];
  const rng = createSimRandom(hashParts('generate-problems', options.seed));
  const out: { problem: string; answer: string; difficulty: number }[] = [];
  const maxAttempts = Math.max(1000, options.count * 1000);
  for (let attempt = 0; out.length < options.count && attempt < maxAttempts; attempt++) {
    const tag = `#${options.seed}-${attempt}`;
    const problem = rng.pick(TEMPLATES)(rng, tag);
    const described = describeProblem(problem);
    if (described.difficulty >= low && described.difficulty <= high) {
      out.push({ problem, answer: described.answer, difficulty: described.difficulty });
    }
  }
  return out;
}
