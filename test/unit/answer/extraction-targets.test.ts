import { bareBoxSpan, SPAN, TARGETS } from '../../../src/answer/extraction-targets';

describe('extraction targets', () => {
  it('rank final-answer phrases, boxes, answer phrases, then unanchored spans and numbers', () => {
    expect([...new Set(TARGETS.map((target) => target.priority))]).toEqual([0, 50, 100, 200, 300]);
    expect(
      TARGETS.filter((target) => target.isUnanchored).map((target) => target.priority),
    ).toEqual([300, 300, 300]);
  });

  it('finds the bare box from the first box to the last closing brace', () => {
    expect(bareBoxSpan('a \\boxed{1} b \\boxed{2} c')).toEqual({ start: 2, end: 23 });
    expect(bareBoxSpan('no box {}')).toBeNull();
    expect(bareBoxSpan('} \\boxed{')).toBeNull();
  });

  it('find LaTeX spans with their delimiters, but not a price', () => {
    const spans = (text: string) => [...text.matchAll(SPAN)].map((match) => match[0]);
    expect(spans('a $x$ b \\(y\\) c \\[z\\] d $$w$$')).toEqual([
      '$x$',
      '\\(y\\)',
      '\\[z\\]',
      '$$w$$',
    ]);
    expect(spans('pay 5$ now')).toEqual([]);
    expect(spans('so $28$ %')).toEqual(['$28$ %']);
  });
});
