import { hashParts, hashText, unitFromHash } from '../hash-text';
import { createSimRandom } from '../sim-random';
import { stepsForDifficulty } from './policy-strength';

/**
 * The synthetic math world. Any question text maps (by hash) to a latent problem: a difficulty,
 * a chain of K integer operations from a start value to the true answer, and 2–4 "wrong chains"
 * that start from a slightly wrong value and run through the same operations. A policy that slips
 * at step t jumps onto wrong chain j and ends at distractor j, so a wrong path stays consistent
 * (as a real model's does) and the simulator can recognise it later from the numbers alone.
 */

export type OperationKind = 'add' | 'sub' | 'mul';

export interface Operation {
  kind: OperationKind;
  operand: number;
}

export interface SimProblem {
  /** Hash of the normalised question; keys every draw about this problem. */
  key: number;
  question: string;
  difficulty: number;
  numSteps: number;
  noun: string;
  name: string;
  /** operations[t - 1] turns the value after step t - 1 into the value after step t. */
  operations: Operation[];
  /** chains[0] is the true chain (v_0 … v_K); chains[j > 0] end at distractor j. */
  chains: number[][];
  /** Probability of each wrong chain given a slip; distractorWeights[j - 1] belongs to chains[j]. */
  distractorWeights: number[];
  /**
   * Share of the problem's difficulty carried by each step (sums to 1): step t is right with
   * probability pass@1^stepWeights[t - 1]. One "crux" step carries 30–95% (more on harder
   * problems), as real solutions hinge on one hard step; this keeps step-wise search from making
   * hard problems easy.
   */
  stepWeights: number[];
}

/** Things and people of the simulated world; a question mentioning one is solved in its terms. */
export const SIM_NOUNS = [
  'marbles',
  'stickers',
  'trading cards',
  'seashells',
  'postage stamps',
  'coins',
  'beads',
  'books',
  'apples',
  'pencils',
];
export const SIM_NAMES = [
  'Maya',
  'Omar',
  'Lena',
  'Tariq',
  'Sofia',
  'Arjun',
  'Nora',
  'Kenji',
  'Elif',
  'Marco',
  'Zoe',
  'Pavel',
];
// Wrong starting offsets: small, like misreading or mis-adding a number in the problem.
const WRONG_OFFSETS = [-9, -7, -5, -4, -3, -2, -1, 1, 2, 3, 4, 5, 6, 8, 10, 12, 15];
const SYSTEM_PROMPT_SENTENCE =
  /Please reason step by step, and put your final answer within \\boxed\{\}\.?/g;
const LLAMA_MATH_PROMPT_START = 'Solve the following math problem efficiently and clearly';

/**
 * Normalises a question so that the policy prompt and the PRM input map to the same problem: drops
 * the usual "reason step by step … \boxed{}" instruction and Meta's Llama MATH prompt wrapper, and
 * collapses whitespace.
 */
export function normalizeQuestion(question: string): string {
  let text = question;
  if (text.trimStart().startsWith(LLAMA_MATH_PROMPT_START)) {
    const at = text.lastIndexOf('Problem:');
    if (at !== -1) text = text.slice(at + 'Problem:'.length);
  }
  return text.replace(SYSTEM_PROMPT_SENTENCE, ' ').replace(/\s+/g, ' ').trim();
}

export function applyOperation(value: number, operation: Operation): number {
  switch (operation.kind) {
    case 'add':
      return value + operation.operand;
    case 'sub':
      return value - operation.operand;
    case 'mul':
      return value * operation.operand;
  }
}

function chainFrom(start: number, operations: readonly Operation[]): number[] {
  const chain = [start];
  for (const operation of operations)
    chain.push(applyOperation(chain[chain.length - 1] ?? start, operation));
  return chain;
}

function buildProblem(question: string): SimProblem {
  const key = hashText(question, 0x51a7);
  const rng = createSimRandom(hashParts('problem', key));
  const difficulty = unitFromHash(hashParts('difficulty', key));
  const numSteps = stepsForDifficulty(difficulty);
  const start = rng.int(12, 90);
  // Operations are chosen along the true chain and keep values in a readable range; all are
  // injective, so chains with different starts never meet.
  const operations: Operation[] = [];
  let value = start;
  for (let t = 1; t <= numSteps; t++) {
    const roll = rng.next();
    let operation: Operation;
    if (value < 150 && roll < 0.25) operation = { kind: 'mul', operand: rng.int(2, 4) };
    else if (value > 40 && roll < 0.6)
      operation = { kind: 'sub', operand: rng.int(3, Math.floor(value / 2)) };
    else operation = { kind: 'add', operand: rng.int(3, 95) };
    operations.push(operation);
    value = applyOperation(value, operation);
  }
  const numDistractors = 3 + Math.floor(rng.next() * 3);
  const offsets = [...WRONG_OFFSETS];
  const chains = [chainFrom(start, operations)];
  for (let j = 0; j < numDistractors; j++) {
    const [offset] = offsets.splice(Math.floor(rng.next() * offsets.length), 1);
    chains.push(chainFrom(start + (offset ?? 1), operations));
  }
  // Skewed: the first distractor takes 30–50% of the wrong mass on easy problems and up to 75%
  // on the hardest (a common misconception), so on hard problems a wrong answer can win a
  // majority vote, as happens on real models.
  const first = 0.3 + 0.2 * rng.next() + 0.25 * difficulty;
  const rest = Array.from({ length: numDistractors - 1 }, (_, index) => 0.55 ** index);
  const restTotal = rest.reduce((sum, weight) => sum + weight, 0);
  const distractorWeights = [first, ...rest.map((weight) => ((1 - first) * weight) / restTotal)];
  const crux = Math.floor(rng.next() * numSteps);
  const cruxWeight = Math.min(0.95, 0.4 + 0.5 * difficulty + 0.2 * (rng.next() - 0.5));
  const stepWeights = Array.from({ length: numSteps }, (_, index) =>
    index === crux ? cruxWeight : (1 - cruxWeight) / (numSteps - 1),
  );
  return {
    key,
    question,
    difficulty,
    numSteps,
    stepWeights,
    noun: SIM_NOUNS.find((noun) => question.includes(noun)) ?? rng.pick(SIM_NOUNS),
    name: SIM_NAMES.find((name) => question.includes(name)) ?? rng.pick(SIM_NAMES),
    operations,
    chains,
    distractorWeights,
  };
}

const PROBLEM_CACHE_LIMIT = 4096;
const problemCache = new Map<string, SimProblem>();
// The same question text comes back with every sample and every PRM input: skip normalising it
// again (a long question costs more to normalise than to look up).
const rawQuestionCache = new Map<string, SimProblem>();

/** The latent problem behind a question (memoised; questions are normalised first). */
export function problemFor(question: string): SimProblem {
  const known = rawQuestionCache.get(question);
  if (known) return known;
  const normalized = normalizeQuestion(question);
  let problem = problemCache.get(normalized);
  if (!problem) {
    if (problemCache.size >= PROBLEM_CACHE_LIMIT) problemCache.clear();
    problem = buildProblem(normalized);
    problemCache.set(normalized, problem);
  }
  if (rawQuestionCache.size >= PROBLEM_CACHE_LIMIT) rawQuestionCache.clear();
  rawQuestionCache.set(question, problem);
  return problem;
}

/** The problem of an already-normalised question, without touching the cache (for trial splits). */
export function peekProblem(normalizedQuestion: string): SimProblem {
  return problemCache.get(normalizedQuestion) ?? buildProblem(normalizedQuestion);
}

/** Picks the wrong chain (1-based) a slipping policy jumps to, from a uniform draw. */
export function pickWrongChain(problem: SimProblem, draw: number): number {
  let mass = draw;
  for (let j = 0; j < problem.distractorWeights.length; j++) {
    mass -= problem.distractorWeights[j] ?? 0;
    if (mass < 0) return j + 1;
  }
  return problem.distractorWeights.length;
}

export function trueAnswer(problem: SimProblem): number {
  return problem.chains[0]?.[problem.numSteps] ?? 0;
}

export function distractorAnswers(problem: SimProblem): number[] {
  return problem.chains.slice(1).map((chain) => chain[problem.numSteps] ?? 0);
}

/**
 * What the simulator believes about a question: its true answer, latent difficulty in [0, 1],
 * number of solution steps and wrong answers a slipping policy ends at (most likely first).
 */
export function describeProblem(question: string): {
  answer: string;
  difficulty: number;
  numSteps: number;
  distractors: string[];
} {
  const problem = problemFor(question);
  return {
    answer: String(trueAnswer(problem)),
    difficulty: problem.difficulty,
    numSteps: problem.numSteps,
    distractors: distractorAnswers(problem).map(String),
  };
}
