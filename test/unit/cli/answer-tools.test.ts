import { PassThrough, Readable } from 'node:stream';
import { parseCommandArgs } from '../../../src/cli/args';
import { extractLine, gradeLine } from '../../../src/cli/commands/answer-tools';
import { GRADE_COMMAND, gradeOptions } from '../../../src/cli/commands/json-lines-commands';
import { mapJsonLines } from '../../../src/cli/jsonl';

describe('extractLine', () => {
  it('extracts the last boxed answer', () => {
    const text =
      'so \\boxed{3} at first; after checking every single step of the derivation once more we get \\boxed{\\frac{1}{2}}';
    expect(extractLine({ text })).toEqual({ answer: '\\frac{1}{2}' });
  });
  it('rejects inputs without text', () => {
    expect(() => extractLine({ txt: 'x' })).toThrow();
  });
});

describe('gradeLine', () => {
  it('grades a whole response against a bare gold answer', () => {
    expect(gradeLine({ gold: '\\frac{1}{2}', pred: 'Thus the answer is $\\boxed{0.5}$.' })).toEqual(
      { equal: true, pred_answer: '0.5', gold_answer: '\\frac{1}{2}' },
    );
  });
  it('grades a gold solution (last box) against a bare prediction', () => {
    expect(gradeLine({ gold: 'We get \\boxed{10}.', pred: '11' }).equal).toBe(false);
  });
  it('takes the number of a short prose response, not the prose', () => {
    expect(gradeLine({ gold: '42', pred: 'so 42 apples' })).toEqual({
      equal: true,
      pred_answer: '42',
      gold_answer: '42',
    });
    expect(gradeLine({ gold: '9', pred: 'Answer $ 9 $' }).pred_answer).toBe('9');
    expect(gradeLine({ gold: 'Evelyn', pred: 'north east' }).pred_answer).toBe('north east');
  });
  it('reports no answer as not equal', () => {
    expect(
      gradeLine({
        gold: '4',
        pred: 'I cannot solve this problem at all because it is long and very ambiguous honestly',
      }),
    ).toMatchObject({ equal: false });
  });
});

describe('mapJsonLines', () => {
  it('writes exactly one line per input line, errors included', async () => {
    const input = Readable.from([
      '{"text":"\\\\boxed{1}"}\n',
      'not json\n',
      '{"text":"\\\\boxed{2}"}\n',
    ]);
    const output = new PassThrough();
    const chunks: string[] = [];
    output.on('data', (c: Buffer) => chunks.push(c.toString()));
    const stats = await mapJsonLines(input, output, extractLine);
    const lines = chunks
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(stats).toEqual({ lines: 3, errors: 1 });
    expect(lines).toEqual([{ answer: '1' }, { error: 'line 2: not valid JSON' }, { answer: '2' }]);
  });
});

describe('grade with Math-Verify options', () => {
  const options = (line: string) =>
    gradeOptions(parseCommandArgs(GRADE_COMMAND, ['grade', ...line.split(' ').filter(Boolean)]));

  it("takes Math-Verify's defaults, and each option from its flag", () => {
    expect(options('')).toEqual({
      floatRounding: 6,
      strict: true,
      allowSetRelationComparison: false,
    });
    expect(options('--float-rounding 2 --no-strict --allow-set-relation')).toEqual({
      floatRounding: 2,
      strict: false,
      allowSetRelationComparison: true,
    });
    expect(() => options('--float-rounding 99')).toThrow(/0 to 15/);
  });

  it('grades with them', () => {
    const line = { gold: '$3.14$', pred: 'so about $3.1416$' };
    expect(gradeLine(line, options('')).equal).toBe(false);
    expect(gradeLine(line, options('--float-rounding 2')).equal).toBe(true);
    const variables = { gold: '$x+1$', pred: '$y+1$' };
    expect(gradeLine(variables, options('')).equal).toBe(false);
    expect(gradeLine(variables, options('--no-strict')).equal).toBe(true);
  });
});
