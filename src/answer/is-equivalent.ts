import { LRUCache } from 'lru-cache';
import { normalizeAnswer, normalizeRelation } from './normalize-answer';
import { parseAnswerStructure } from './parse-answer-structure';
import { formatNumber, parseNumber } from './parse-number';
import { isWordAnswer, scalarsEqual, wordKey } from './scalars-equal';
import { structuresEqual } from './structures-equal';

/** Options of {@link isEquivalent}. */
export interface IsEquivalentOptions {
  /**
   * Budget for the LaTeX engine per scalar comparison, in milliseconds (default
   * {@link DEFAULT_TIMEOUT_MS}). A comparison that runs out counts as "not equivalent" and is
   * cached as such, so a pathological pair costs its budget once.
   */
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 1000;

/**
 * Whether two answers are the same answer, at the level of Math-Verify. Symmetric by
 * construction (the pair is ordered before comparing) and reflexive. Decisions:
 * - **Conventions** come from {@link normalizeAnswer}: units, degrees (`90^\circ` = `90`; degrees
 *   are never converted to radians), `\text`, `x=` prefixes, thousands separators,
 *   multiple-choice letters (`\text{(B)}` = `B`).
 * - **Percent**: an answer written with a percent sign (`\%`, `%`, "percent", "pct") equals both
 *   its number and its number / 100: `50\%` = `50` and `50\%` = `0.5`. Without a sign there is no
 *   scaling: `50` ≠ `0.5` (Math-Verify: `0.28` ≠ `28`). So the relation is not transitive.
 * - **Numbers**: exact for integers and fractions (`033` = `33`, `0.5` = `\frac12`); a decimal
 *   with a fractional part matches within a relative 1e-6 (`\frac{1}{12}` = `0.0833333`, but
 *   `\frac13` ≠ `0.333` and `\pi` ≠ `3.14`).
 * - **Lists and sets**: a top-level comma list is an unordered multiset when compared to a list
 *   (`3, 5` = `5, 3`) and a set when compared to a set; tuples and intervals keep order and
 *   brackets. See `structuresEqual`.
 * - **Words**: answers with prose compare case-insensitively as strings.
 * - **Expressions** go to compute-engine (symbolic identity, `x^2+2x+1` = `(x+1)^2`) within
 *   `timeoutMs`; parse failures and oversized inputs fall back to the string comparison.
 *
 * Results are cached in an LRU keyed by the ordered pair of normalized answers.
 */
export function isEquivalent(
  left: string,
  right: string,
  options: IsEquivalentOptions = {},
): boolean {
  const a = prepare(left);
  const b = prepare(right);
  if (a.key === b.key) return true;
  if (a.isOversized || b.isOversized) return false;
  const [first, second] = a.id <= b.id ? [a, b] : [b, a];
  const cacheKey = `${first.id}\u0000${second.id}`;
  const cached = cache.get(cacheKey);
  if (cached !== undefined) {
    cacheHits += 1;
    return cached;
  }
  cacheMisses += 1;
  const result = compare(first, second, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  cache.set(cacheKey, result);
  return result;
}

/**
 * A cheap canonical string of an answer: normalized, numbers as reduced fractions (`0.5`,
 * `\frac{2}{4}` → `1/2`), words lower-cased. Equal keys imply {@link isEquivalent}, so keys can
 * bucket votes before any pairwise comparison; different keys may still be equivalent.
 */
export function answerKey(answer: string): string {
  return prepare(answer).key;
}

function keyOfNormalized(normalized: string): string {
  const number = parseNumber(normalized);
  if (number !== null) return formatNumber(number);
  return isWordAnswer(normalized) ? wordKey(normalized) : normalized;
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
// Voting keys every answer and then compares it with each group's: without this, one answer is
// normalized (a fixed-point loop, twice with the relation) once per comparison it takes part in.
const preparedCache = new LRUCache<string, PreparedAnswer>({
  max: CACHE_SIZE,
  // Bounded by characters too (the answer and its derived strings), not only by entries.
  maxSize: 8_000_000,
  sizeCalculation: (prepared, answer) =>
    answer.length + prepared.id.length + prepared.key.length + prepared.normalized.length + 1,
});
let cacheHits = 0;
let cacheMisses = 0;

interface PreparedAnswer {
  key: string;
  normalized: string;
  /** See `normalizeRelation`: the assignment `y=...` that normalization stripped, if any. */
  relation: string | null;
  hasPercent: boolean;
  isOversized: boolean;
  /** Everything the comparison depends on, as one string: the cache key half. */
  id: string;
}

const PERCENT = /%|\bpercent\b|\bpct\b/i;

function prepare(answer: string): PreparedAnswer {
  if (answer.length > MAX_ANSWER_CHARS) return prepareUncached(answer);
  const cached = preparedCache.get(answer);
  if (cached !== undefined) return cached;
  const prepared = prepareUncached(answer);
  preparedCache.set(answer, prepared);
  return prepared;
}

function prepareUncached(answer: string): PreparedAnswer {
  const isOversized = answer.length > MAX_ANSWER_CHARS;
  const normalized = isOversized ? answer.trim() : normalizeAnswer(answer);
  const hasPercent = !isOversized && PERCENT.test(answer);
  const relation = isOversized ? null : normalizeRelation(answer);
  // Normalized answers never contain `%` or U+0001, so these marks cannot collide with answers.
  const id = `${hasPercent ? '%' : ''}${normalized}${relation === null ? '' : `\u0001${relation}`}`;
  const key = isOversized ? normalized : keyOfNormalized(normalized);
  return { key, normalized, relation, hasPercent, isOversized, id };
}

function compare(a: PreparedAnswer, b: PreparedAnswer, timeoutMs: number): boolean {
  const scalars = (x: string, y: string): boolean => scalarsEqual(x, y, timeoutMs);
  const left = parseAnswerStructure(a.normalized);
  const right = parseAnswerStructure(b.normalized);
  if (structuresEqual(left, right, scalars)) return true;
  if (a.hasPercent && left.kind === 'scalar') {
    if (structuresEqual(hundredth(a.normalized), right, scalars)) return true;
  }
  if (b.hasPercent && right.kind === 'scalar') {
    if (structuresEqual(left, hundredth(b.normalized), scalars)) return true;
  }
  // `y = 2x + 3` against another equation: compare the relations themselves.
  if (a.relation === null && b.relation === null) return false;
  const leftRelation = a.relation ?? a.normalized;
  const rightRelation = b.relation ?? b.normalized;
  const areRelations = leftRelation.includes('=') && rightRelation.includes('=');
  return areRelations && scalars(leftRelation, rightRelation);
}

function hundredth(normalized: string): { kind: 'scalar'; text: string } {
  return { kind: 'scalar', text: `\\frac{${normalized}}{100}` };
}
