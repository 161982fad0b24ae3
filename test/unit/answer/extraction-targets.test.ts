import { firstBoxIndex, hasBox } from '../../../src/answer/boxed-content';
import {
  bareBoxSpan,
  findSpanBounds,
  findSpans,
  matchAllFrom,
  SPAN,
  SPAN_STARTS,
  startPositions,
  TARGETS,
} from '../../../src/answer/extraction-targets';
import { createSeededRandom } from '../../../src/util';

/** Texts made of the fragments the targets care about, in a seeded random order. */
function fragmentTexts(count: number): string[] {
  const fragments = [
    '$',
    '$$',
    '\\[',
    '\\]',
    '\\(',
    '\\)',
    '[',
    ']',
    ' [3] ',
    '-',
    '\\frac{1}{2}',
    '-\\frac{-3}{4}',
    '\\boxed{',
    '}',
    'final answer is ',
    'Final Answer: ',
    'answer',
    'Answer:',
    ' and ',
    ', ',
    '%',
    ' percent',
    '\n',
    ' ',
    'x',
    '12',
    '3.5',
    '1,000',
    ' = ',
    'answeranswer',
    '\\',
    'I hope',
    'İ',
  ];
  const random = createSeededRandom(18);
  return Array.from({ length: count }, () => {
    let text = '';
    const length = 1 + Math.floor(random() * 30);
    for (let i = 0; i < length; i += 1)
      text += fragments[Math.floor(random() * fragments.length)] ?? '';
    return text;
  });
}

const summary = (matches: readonly RegExpMatchArray[]): unknown[] =>
  matches.map((match) => [match.index, [...match], match.groups ?? null]);

describe('extraction targets', () => {
  it('rank final-answer phrases, boxes, answer phrases, then unanchored spans and numbers', () => {
    expect([...new Set(TARGETS.map((target) => target.priority))]).toEqual([0, 50, 100, 200, 300]);
    expect(
      TARGETS.filter((target) => target.isUnanchored).map((target) => target.priority),
    ).toEqual([300, 300, 300]);
  });

  it('tries patterns only at their possible starts and finds exactly what matchAll finds', () => {
    for (const text of fragmentTexts(3000)) {
      expect(summary(findSpans(text))).toEqual(summary([...text.matchAll(SPAN)]));
      expect(findSpanBounds(text)).toEqual(
        [...text.matchAll(SPAN)].flatMap((match) => [match.index, match.index + match[0].length]),
      );
      for (const target of TARGETS) {
        if (target.starts === null) continue;
        expect(
          summary(
            matchAllFrom(
              text,
              target.pattern,
              startPositions(text, target.starts, target.startsLength),
            ),
          ),
        ).toEqual(summary([...text.matchAll(target.pattern)]));
      }
    }
  });

  it('finds every start position, overlapping ones too, as an exec scan does', () => {
    const byExec = (text: string, starts: RegExp): number[] => {
      const positions: number[] = [];
      starts.lastIndex = 0;
      for (let found = starts.exec(text); found !== null; found = starts.exec(text)) {
        positions.push(found.index);
        starts.lastIndex = found.index + 1;
      }
      return positions;
    };
    const startsOf = [
      { starts: SPAN_STARTS, length: 1 },
      ...TARGETS.flatMap((target) =>
        target.starts === null ? [] : [{ starts: target.starts, length: target.startsLength }],
      ),
    ];
    let found = 0;
    for (const text of [...fragmentTexts(1000), 'ANSWERanswerAnSwEr', 'final answeranswer']) {
      for (const { starts, length } of startsOf) {
        const positions = startPositions(text, starts, length);
        expect(positions).toEqual(byExec(text, starts));
        found += positions.length;
      }
    }
    expect(found).toBeGreaterThan(1000);
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
  it("ends every span holding a box after the text's first box (the spans before it are not searched)", () => {
    const texts = fragmentTexts(3000).flatMap((text) => [
      text,
      text.replace(/x/g, '\\boxed'),
      text.replace(/12/g, '\\fbox x'),
      text.replace(/x/g, '\\boxedx'),
    ]);
    let boxed = 0;
    for (const text of texts) {
      const first = firstBoxIndex(text);
      for (const span of findSpans(text)) {
        if (!hasBox(span[0])) continue;
        boxed++;
        expect(first).toBeGreaterThanOrEqual(0);
        expect(span.index + span[0].length).toBeGreaterThan(first);
      }
    }
    expect(boxed).toBeGreaterThan(100);
  });
});
