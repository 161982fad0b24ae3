import { LRUCache } from 'lru-cache';
import { answersEqual, type CompareContext } from './compare-answers';
import { normalizeAnswer } from './normalize-answer';
import { DEFAULT_FLOAT_ROUNDING } from './numbers-equal';
import { parseAnswerStructure, type AnswerStructure } from './parse-answer-structure';
import { formatNumber, parseNumber } from './parse-number';
import { isWordAnswer, scalarsEqual, wordKey } from './scalars-equal';

/** Options of {@link isEquivalent}, with Math-Verify's names and defaults (docs/answers.md). */
export interface IsEquivalentOptions {
  /** Decimal places both sides are rounded to when one is a decimal (`float_rounding`, 6). */
  floatRounding?: number;
  /** Variables matter (`strict`, true); when false `x+1` = `y+1` (matched by position). */
  strict?: boolean;
  /**
   * Also read a predicted relation as a set when the gold answer is a set
   * (`allow_set_relation_comp`, false): by default `-2 \leq x \leq 7` (gold) = `[-2,7]`
   * (predicted), but not the other way round.
   */
  allowSetRelationComparison?: boolean;
  /**
   * Equal in either direction (not a Math-Verify option): for voting, where no side is gold.
   * Default false.
   */
  symmetric?: boolean;
}

/**
 * Whether `predicted` is the same answer as `gold`, with Math-Verify's semantics
 * (docs/answers.md). Reflexive; not symmetric unless `symmetric` is set (Math-Verify is not:
 * relations and chains are unwrapped on the predicted side only). Decisions:
 * - **Conventions** come from {@link normalizeAnswer}: units, degrees, `\text`, thousands
 *   separators, list separators, multiple-choice letters (`\text{(B)}` = `B`).
 * - **Percent**: an answer written with a percent sign equals both its number and its number /
 *   100 (`50\%` = `50` = `0.5`); without a sign there is no scaling (`0.28` ≠ `28`).
 * - **Numbers**: exact for integers and fractions; a decimal side rounds both to `floatRounding`.
 * - **Lists and sets**: a top-level comma list is an unordered multiset; sets ignore order and
 *   duplicates; tuples and intervals keep order and brackets (`structuresEqual`).
 * - **Relations**: assignments and chains unwrapped, inequalities read as intervals, equations
 *   compared up to a factor (`compare-answers.ts`).
 * - **Expressions** go to our evaluator (`math-equal.ts`): exact rationals, fixed sample points
 *   for identities. No clock: the same pair gives the same answer on every run and machine.
 *
 * Results are cached in an LRU keyed by the pair and the options.
 */
export function isEquivalent(
  gold: string,
  predicted: string,
  options: IsEquivalentOptions = {},
): boolean {
  return preparedEquivalent(prepareAnswer(gold), prepareAnswer(predicted), options);
}

/** An answer normalized and parsed once, for many comparisons (voting, bucketing). */
export interface PreparedAnswer {
  /** Canonical key: equal keys imply equivalence (see {@link answerKey}). */
  key: string;
  normalized: string;
  structure: AnswerStructure;
  hasPercent: boolean;
  isOversized: boolean;
  /** Everything the comparison depends on, as one string: the cache key half. */
  id: string;
}

/** Normalizes and parses an answer (cached): the "parse once" step of voting. */
export function prepareAnswer(answer: string): PreparedAnswer {
  if (answer.length > MAX_ANSWER_CHARS) return prepareUncached(answer);
  const cached = preparedCache.get(answer);
  if (cached !== undefined) return cached;
  const prepared = prepareUncached(answer);
  preparedCache.set(answer, prepared);
  return prepared;
}

/** {@link isEquivalent} over prepared answers. */
export function preparedEquivalent(
  gold: PreparedAnswer,
  predicted: PreparedAnswer,
  options: IsEquivalentOptions = {},
): boolean {
  if (gold.key === predicted.key) return true;
  if (gold.isOversized || predicted.isOversized) return false;
  const settings = resolve(options);
  const cacheKey = `${settings.fingerprint}\u0000${gold.id}\u0000${predicted.id}`;
  const cached = cache.get(cacheKey);
  if (cached !== undefined) {
    cacheHits += 1;
    return cached;
  }
  cacheMisses += 1;
  const result =
    compare(gold, predicted, settings) ||
    (settings.symmetric && compare(predicted, gold, settings));
  cache.set(cacheKey, result);
  return result;
}

/**
 * A cheap canonical string of an answer: normalized, numbers as reduced fractions (`0.5`,
 * `\frac{2}{4}` → `1/2`), words lower-cased. Equal keys imply {@link isEquivalent} (under any
 * options), so keys can bucket votes before any pairwise comparison; different keys may still be
 * equivalent.
 */
export function answerKey(answer: string): string {
  return prepareAnswer(answer).key;
}

/** Counters of the comparison cache since start or the last {@link clearEquivalenceCache}. */
export function equivalenceCacheStats(): { hits: number; misses: number; size: number } {
  return { hits: cacheHits, misses: cacheMisses, size: cache.size };
}

export function clearEquivalenceCache(): void {
  cache.clear();
  preparedCache.clear();
  cacheHits = 0;
  cacheMisses = 0;
}

/** Longer inputs are not answers but whole solutions; they only match themselves. */
const MAX_ANSWER_CHARS = 1000;
const CACHE_SIZE = 20_000;

const cache = new LRUCache<string, boolean>({ max: CACHE_SIZE });
const preparedCache = new LRUCache<string, PreparedAnswer>({
  max: CACHE_SIZE,
  // Bounded by characters too (the answer and its derived strings), not only by entries.
  maxSize: 8_000_000,
  sizeCalculation: (prepared, answer) =>
    answer.length + prepared.id.length + prepared.key.length + prepared.normalized.length + 1,
});
let cacheHits = 0;
let cacheMisses = 0;

const PERCENT = /%|\bpercent\b|\bpct\b/i;

function prepareUncached(answer: string): PreparedAnswer {
  const isOversized = answer.length > MAX_ANSWER_CHARS;
  const normalized = isOversized ? answer.trim() : normalizeAnswer(answer);
  const hasPercent = !isOversized && PERCENT.test(answer);
  const structure: AnswerStructure = isOversized
    ? { kind: 'scalar', text: normalized }
    : parseAnswerStructure(normalized);
  // Normalized answers never contain `%`, so the mark cannot collide with an answer.
  const id = `${hasPercent ? '%' : ''}${normalized}`;
  const key = isOversized ? normalized : keyOfNormalized(normalized);
  return { key, normalized, structure, hasPercent, isOversized, id };
}

function keyOfNormalized(normalized: string): string {
  const number = parseNumber(normalized);
  if (number !== null) return formatNumber(number);
  return isWordAnswer(normalized) ? wordKey(normalized) : normalized;
}

interface Settings {
  floatRounding: number;
  strict: boolean;
  allowSetRelationComparison: boolean;
  symmetric: boolean;
  fingerprint: string;
}

function resolve(options: IsEquivalentOptions): Settings {
  const floatRounding = options.floatRounding ?? DEFAULT_FLOAT_ROUNDING;
  const strict = options.strict ?? true;
  const allowSetRelationComparison = options.allowSetRelationComparison ?? false;
  const symmetric = options.symmetric ?? false;
  const fingerprint = `${floatRounding}/${+strict}/${+allowSetRelationComparison}/${+symmetric}`;
  return { floatRounding, strict, allowSetRelationComparison, symmetric, fingerprint };
}

/**
 * Scalar comparisons one answer pair may make (identical strings are free). Two 64-member sets
 * could otherwise ask for 8,192; past the budget the answer is "different", on every machine.
 */
export const MAX_SCALAR_COMPARISONS = 1000;

function compare(gold: PreparedAnswer, predicted: PreparedAnswer, settings: Settings): boolean {
  const math = {
    floatRounding: settings.floatRounding,
    strict: settings.strict,
    digitsMatchBase: !settings.symmetric,
  };
  let remaining = MAX_SCALAR_COMPARISONS;
  const context: CompareContext = {
    scalars: (x, y) => x === y || (remaining-- > 0 && scalarsEqual(x, y, math)),
    allowSetRelationComparison: settings.allowSetRelationComparison,
  };
  const left = gold.structure;
  const right = predicted.structure;
  if (answersEqual(left, right, context)) return true;
  if (gold.hasPercent && left.kind === 'scalar') {
    if (answersEqual(hundredth(gold.normalized), right, context)) return true;
  }
  if (predicted.hasPercent && right.kind === 'scalar') {
    if (answersEqual(left, hundredth(predicted.normalized), context)) return true;
  }
  return false;
}

function hundredth(normalized: string): AnswerStructure {
  return { kind: 'scalar', text: `\\frac{${normalized}}{100}` };
}
