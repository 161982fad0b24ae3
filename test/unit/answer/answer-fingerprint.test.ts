import fc from 'fast-check';
import { votingEquivalent } from '../../../src/answer/answer-grouper';
import { mayBeEquivalent, profileAnswer } from '../../../src/answer/answer-fingerprint';
import { NEGATIVE_CASES, POSITIVE_CASES } from './equivalence-cases';
import { SYMBOLIC_FORMS } from './symbolic-forms';

describe('profileAnswer / mayBeEquivalent', () => {
  it('never rules out a pair of the equivalence corpus that is equivalent', () => {
    for (const { left, right } of POSITIVE_CASES) {
      const a = profileAnswer(left);
      const b = profileAnswer(right);
      expect({
        left,
        right,
        kept: a.key === b.key || mayBeEquivalent(a.fingerprint, b.fingerprint),
      }).toEqual({ left, right, kept: true });
    }
  });

  it('rules out a pair only when isEquivalent rejects it (corpus and symbolic forms, all pairs)', () => {
    const answers = [
      ...POSITIVE_CASES.flatMap(({ left, right }) => [left, right]),
      ...NEGATIVE_CASES.flatMap(({ left, right }) => [left, right]),
      ...SYMBOLIC_FORMS,
    ];
    fc.assert(
      fc.property(fc.constantFrom(...answers), fc.constantFrom(...answers), (left, right) => {
        const a = profileAnswer(left);
        const b = profileAnswer(right);
        const isRuledOut = a.key !== b.key && !mayBeEquivalent(a.fingerprint, b.fingerprint);
        // Ruled out implies not equivalent.
        expect({ left, right, wrong: isRuledOut && votingEquivalent(left, right) }).toEqual({
          left,
          right,
          wrong: false,
        });
      }),
      { numRuns: 400, seed: 18 },
    );
  });

  it('tells different plain numbers apart without the engine, within the tolerance window', () => {
    const three = profileAnswer('3').fingerprint;
    expect(mayBeEquivalent(three, profileAnswer('4').fingerprint)).toBe(false);
    expect(
      mayBeEquivalent(
        profileAnswer('\\frac13').fingerprint,
        profileAnswer('0.3333333').fingerprint,
      ),
    ).toBe(true);
    expect(profileAnswer('3').isSymbolic).toBe(false);
  });

  it('reads symbolic values, and treats what it cannot read as unknown', () => {
    expect(profileAnswer('\\frac{\\sqrt{2}}{2}').fingerprint).toMatchObject({
      kind: 'value',
      isSymbolic: true,
    });
    expect(profileAnswer('\\sin x').fingerprint).toEqual({ kind: 'unknown' });
    expect(profileAnswer('f(x)').fingerprint).toEqual({ kind: 'unknown' });
    expect(profileAnswer('50\\%').fingerprint).toEqual({ kind: 'unknown' });
    expect(profileAnswer('[1, \\sqrt{3})').fingerprint).toMatchObject({
      kind: 'sequence',
      brackets: '[)',
    });
  });

  it('keeps tuples and intervals apart by brackets and length, and words by key', () => {
    const fp = (answer: string) => profileAnswer(answer).fingerprint;
    expect(mayBeEquivalent(fp('(1, 2)'), fp('[1, 2)'))).toBe(false);
    expect(mayBeEquivalent(fp('(1, 2)'), fp('(1, 2, 3)'))).toBe(false);
    expect(mayBeEquivalent(fp('(1, 2)'), fp('1, 2'))).toBe(true);
    expect(mayBeEquivalent(fp('Evelyn'), fp('\\text{evelyn}'))).toBe(true);
    expect(mayBeEquivalent(fp('Evelyn'), fp('Bob'))).toBe(false);
  });
});
