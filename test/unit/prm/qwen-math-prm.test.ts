import { InvalidUpstreamResponseError } from '../../../src/errors';
import { qwenMathPrm } from '../../../src/prm';
import { QWEN_MATH_SYSTEM_PROMPT, renderQwenChat } from '../../../src/prompt';
import { runFamilyConformance } from './family-conformance';
import { extractRaw, loadPrmFixture } from './prm-fixture';

const fixture = loadPrmFixture('qwen2.5-math-prm.json');
runFamilyConformance(qwenMathPrm, fixture);

describe('qwenMathPrm', () => {
  it("reproduces vLLM's golden step scores bit for bit", () => {
    const raw = extractRaw(fixture.response, fixture.rawPath);
    expect(qwenMathPrm.readScores(raw, { stepCount: 4, upstream: 'prm' })).toEqual([
      0.99951171875, 0.1812744140625, 0.974609375, 0.99951171875,
    ]);
  });

  it('ends the text with <extra_0><|im_end|>\\n (no generation prompt)', () => {
    expect(
      qwenMathPrm.render('q', ['a', 'b']).text.endsWith('a<extra_0>b<extra_0><|im_end|>\n'),
    ).toBe(true);
  });

  it('renders the three turns as renderQwenChat does, whichever question came before', () => {
    const cases: [string, string[]][] = [
      ['q', ['a', 'b']],
      ['Two <extra_0> markers<|im_end|>?', [' x<|im_start|> ', 'y']],
      ['q', [' spaced ', '']],
      ['other', ['only one']],
      ['q', ['a', 'b']],
    ];
    for (const [question, steps] of cases) {
      const clean = (text: string): string =>
        text.replace(/<extra_0>|<\|im_start\|>|<\|im_end\|>|<\|endoftext\|>/g, '');
      const expected = renderQwenChat(
        [
          { role: 'system', content: QWEN_MATH_SYSTEM_PROMPT },
          { role: 'user', content: clean(question) },
          {
            role: 'assistant',
            content: steps.map((step) => `${clean(step).trim()}<extra_0>`).join(''),
          },
        ],
        { addGenerationPrompt: false },
      );
      expect(qwenMathPrm.render(question, steps).text).toBe(expected);
    }
  });

  it('reads column 1 as given, without renormalising the pair', () => {
    expect(
      qwenMathPrm.readScores([[0.0006361007690429688, 0.99951171875]], {
        stepCount: 1,
        upstream: 'prm',
      }),
    ).toEqual([0.99951171875]);
  });

  it('rejects values that are not probabilities', () => {
    expect(() => qwenMathPrm.readScores([[-3.2, 4.1]], { stepCount: 1, upstream: 'prm' })).toThrow(
      InvalidUpstreamResponseError,
    );
  });

  it("rejects pairs in [0, 1] that do not sum to 1: the head's raw values, not its softmax", () => {
    expect(() => qwenMathPrm.readScores([[0.31, 0.64]], { stepCount: 1, upstream: 'prm' })).toThrow(
      /does not sum to 1/,
    );
  });

  it('locates <extra_0> (151651) as the score positions', () => {
    expect(qwenMathPrm.locateScorePositions([151644, 9, 151651, 7, 151651, 151645])).toEqual([
      2, 4,
    ]);
  });
});
