import fc from 'fast-check';
import {
  answerKey,
  clearEquivalenceCache,
  equivalenceCacheStats,
  isEquivalent,
} from '../../../src/answer';
import { hasDataFile, readMathRows } from './benchmark-data';
import { NEGATIVE_CASES, POSITIVE_CASES } from './equivalence-cases';

describe('isEquivalent', () => {
  it('has at least 60 positive and 30 negative documented cases', () => {
    expect(POSITIVE_CASES.length).toBeGreaterThanOrEqual(60);
    expect(NEGATIVE_CASES.length).toBeGreaterThanOrEqual(30);
  });

  it.each(POSITIVE_CASES.map((c) => [c.source, c.left, c.right] as const))(
    'accepts [%s] %s ≡ %s, in both orders',
    (_source, left, right) => {
      expect(isEquivalent(left, right)).toBe(true);
      expect(isEquivalent(right, left)).toBe(true);
    },
  );

  it.each(NEGATIVE_CASES.map((c) => [c.source, c.left, c.right, c.isOneWay === true] as const))(
    'rejects [%s] %s ≢ %s (gold first; in both orders unless one-way)',
    (_source, left, right, isOneWay) => {
      expect(isEquivalent(left, right)).toBe(false);
      expect(isEquivalent(right, left)).toBe(isOneWay);
    },
  );

  it('treats a percent as its number and as its number over 100, but never scales plain numbers', () => {
    expect(isEquivalent('12.5\\%', '0.125')).toBe(true);
    expect(isEquivalent('12.5\\%', '12.5')).toBe(true);
    expect(isEquivalent('12.5', '0.125')).toBe(false);
  });

  it('calls what the evaluator cannot read different, the same way on every run', () => {
    const verdicts = Array.from({ length: 3 }, () => {
      clearEquivalenceCache();
      return isEquivalent('\\sum_{k=1}^{10^9} k', '500000000500000000');
    });
    expect(verdicts).toEqual([false, false, false]);
  });

  it('only matches oversized inputs to themselves', () => {
    const long = `${'1+'.repeat(600)}1`;
    expect(isEquivalent(long, long)).toBe(true);
    expect(isEquivalent(long, '601')).toBe(false);
  });

  const pool = [
    ...POSITIVE_CASES.flatMap((c) => [c.left, c.right]),
    ...NEGATIVE_CASES.flatMap((c) => [c.left, c.right]),
  ];

  it('is reflexive', () => {
    const answer = fc.oneof(fc.constantFrom(...pool), fc.string({ maxLength: 20 }));
    fc.assert(
      fc.property(answer, (text) => isEquivalent(text, text)),
      { numRuns: 300, seed: 1 },
    );
  });

  it('is symmetric with the symmetric option', () => {
    const answer = fc.constantFrom(...pool);
    const options = { symmetric: true };
    fc.assert(
      fc.property(
        answer,
        answer,
        (left, right) => isEquivalent(left, right, options) === isEquivalent(right, left, options),
      ),
      { numRuns: 300, seed: 2 },
    );
  });

  it('caches comparisons by the ordered pair of normalized answers and the options', () => {
    clearEquivalenceCache();
    expect(isEquivalent('x^2+2x+1', '(x+1)^2')).toBe(true);
    expect(equivalenceCacheStats()).toEqual({ hits: 0, misses: 1, size: 1 });
    expect(isEquivalent('x^2 + 2x + 1', '$(x + 1)^2$')).toBe(true);
    expect(equivalenceCacheStats()).toEqual({ hits: 1, misses: 1, size: 1 });
    expect(isEquivalent('x^2+2x+1', '(x+1)^2', { floatRounding: 3 })).toBe(true);
    expect(equivalenceCacheStats()).toEqual({ hits: 1, misses: 2, size: 2 });
  });

  it('answers equal keys without touching the cache', () => {
    clearEquivalenceCache();
    expect(isEquivalent('\\frac{1}{2}', '0.5')).toBe(true);
    expect(equivalenceCacheStats()).toEqual({ hits: 0, misses: 0, size: 0 });
  });
});

describe('answerKey', () => {
  it('gives equivalent number spellings one key', () => {
    expect(answerKey('0.5')).toBe('1/2');
    expect(answerKey('\\dfrac{2}{4}')).toBe('1/2');
    expect(answerKey('$033$')).toBe('33');
    expect(answerKey('1,000')).toBe('1000');
  });

  it('lower-cases word answers and keeps expressions normalized', () => {
    expect(answerKey('\\text{Evelyn}')).toBe('evelyn');
    expect(answerKey('x^2 + 1')).toBe('x^2+1');
  });

  it('implies equivalence whenever two keys are equal', () => {
    const answer = fc.constantFrom(...POSITIVE_CASES.flatMap((c) => [c.left, c.right]));
    fc.assert(
      fc.property(
        answer,
        answer,
        (left, right) => answerKey(left) !== answerKey(right) || isEquivalent(left, right),
      ),
      { numRuns: 300, seed: 3 },
    );
  });
});

const describeMath = hasDataFile('math500.jsonl') ? describe : describe.skip;

describeMath('isEquivalent on MATH-500 answers', () => {
  const answers = hasDataFile('math500.jsonl')
    ? readMathRows('math500.jsonl').map((row) => row.answer)
    : [];
  // How models re-typeset a reference answer without changing it.
  const variants: [string, (answer: string) => string][] = [
    ['in dollars', (answer) => `$${answer}$`],
    ['boxed', (answer) => `\\boxed{${answer}}`],
    ['spaced out', (answer) => answer.replace(/([+=,-])/g, ' $1 ')],
    ['with \\dfrac', (answer) => answer.replace(/\\frac/g, '\\dfrac')],
    ['with a final period', (answer) => `${answer}.`],
    ['with \\displaystyle', (answer) => `\\displaystyle ${answer}`],
  ];

  it.each(variants)('matches every reference answer %s', (_name, rewrite) => {
    const misses = answers.filter((answer) => !isEquivalent(answer, rewrite(answer)));
    expect(misses).toEqual([]);
  });
});
