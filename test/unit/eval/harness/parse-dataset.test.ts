import { ConfigError } from '../../../../src/errors';
import { parseDataset } from '../../../../src/eval';

const MATH500_LINE = JSON.stringify({
  id: 'test/precalculus/807.json',
  problem: 'Convert the point $(0,3)$ in rectangular coordinates to polar coordinates.',
  answer: '\\left( 3, \\frac{\\pi}{2} \\right)',
  level: 2,
  subject: 'Precalculus',
  solution: 'We have that $r = 3$ ... $\\boxed{\\left( 3, \\frac{\\pi}{2} \\right)}$.',
});

function errorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseDataset', () => {
  it('reads MATH-500 rows with id, level and subject, ignoring other fields', () => {
    expect(parseDataset(MATH500_LINE + '\n', { source: 'math500.jsonl' })).toEqual([
      {
        id: 'test/precalculus/807.json',
        problem: expect.stringContaining('polar') as string,
        answer: '\\left( 3, \\frac{\\pi}{2} \\right)',
        level: 2,
        subject: 'Precalculus',
        difficulty: null,
      },
    ]);
  });
  it('accepts MATH\'s unique_id and "Level 3" spelling, numeric answers, and a difficulty', () => {
    const text = [
      JSON.stringify({
        unique_id: 'test/algebra/1.json',
        problem: 'p',
        answer: '5',
        level: 'Level 3',
      }),
      JSON.stringify({ problem: 'q', answer: 27, difficulty: 0.25 }),
      JSON.stringify({ problem: 'r', answer: 'x', level: 'Level ?' }),
    ].join('\n');
    const problems = parseDataset(text, { source: 'd' });
    expect(problems.map((p) => [p.id, p.answer, p.level, p.difficulty])).toEqual([
      ['test/algebra/1.json', '5', 3, null],
      ['line-2', '27', null, 0.25],
      ['line-3', 'x', null, null],
    ]);
  });
  it('skips blank lines and keeps line numbers for ids', () => {
    const problems = parseDataset('\n' + JSON.stringify({ problem: 'p', answer: '1' }) + '\n\n', {
      source: 'd',
    });
    expect(problems.map((p) => p.id)).toEqual(['line-2']);
  });
  it('names the file and line of invalid JSON', () => {
    const error = errorOf(() =>
      parseDataset(`${MATH500_LINE}\n{"problem": "p", "answer": `, { source: 'data.jsonl' }),
    );
    expect(error.message).toContain('data.jsonl line 2: not valid JSON');
    expect(error.path).toBe('--dataset');
  });
  it('names the missing or wrong field', () => {
    expect(errorOf(() => parseDataset('{"problem": "p"}', { source: 'd' })).message).toMatch(
      /d line 1: 'answer' is missing/,
    );
    expect(
      errorOf(() => parseDataset('{"problem": "", "answer": "1"}', { source: 'd' })).message,
    ).toMatch(/d line 1: 'problem' is invalid: must be a non-empty string/);
    expect(
      errorOf(() =>
        parseDataset('{"problem": "p", "answer": "1", "difficulty": 3}', { source: 'd' }),
      ).message,
    ).toMatch(/'difficulty'/);
    expect(
      errorOf(() =>
        parseDataset('{"problem": "p", "answer": "1", "level": "hard"}', { source: 'd' }),
      ).message,
    ).toMatch(/'level' must be/);
    expect(errorOf(() => parseDataset('[1, 2]', { source: 'd' })).message).toMatch(/d line 1/);
  });
  it('rejects duplicate ids, which would collide in resumed runs', () => {
    const line = JSON.stringify({ id: 'a', problem: 'p', answer: '1' });
    expect(errorOf(() => parseDataset(`${line}\n${line}`, { source: 'd' })).message).toContain(
      "d line 2: duplicate id 'a' (first on line 1)",
    );
  });
  it('rejects an empty dataset', () => {
    expect(errorOf(() => parseDataset('\n\n', { source: 'empty.jsonl' })).message).toContain(
      'no problems',
    );
  });
});
