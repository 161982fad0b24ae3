import { ConfigError } from '../../../src/errors';
import { buildTasks, planResume, readResults, requestSeed, resultToWire } from '../../../src/eval';
import { problem, result } from './eval-fixtures';

const problems = [problem('p1'), problem('p2')];

describe('requestSeed', () => {
  it('is stable, differs by problem and run seed, and fits a signed 32-bit int', () => {
    expect(requestSeed(0, 'p1')).toBe(requestSeed(0, 'p1'));
    expect(requestSeed(0, 'p1')).not.toBe(requestSeed(0, 'p2'));
    expect(requestSeed(1, 'p1')).not.toBe(requestSeed(0, 'p1'));
    expect(requestSeed(7, 'x')).toBeLessThan(2 ** 31);
  });
});

describe('buildTasks', () => {
  it('runs cot once at budget 1 and every other arm at every budget, problem by problem', () => {
    const tasks = buildTasks(problems, ['cot', 'best_of_n'], [4, 16], 0);
    expect(tasks.map((task) => task.key)).toEqual([
      'cot|1|p1',
      'best_of_n|4|p1',
      'best_of_n|16|p1',
      'cot|1|p2',
      'best_of_n|4|p2',
      'best_of_n|16|p2',
    ]);
  });
  it('sends the same seed for every arm of a problem', () => {
    const tasks = buildTasks(problems, ['cot', 'dvts'], [4], 3);
    expect(
      new Set(tasks.filter((task) => task.problem.id === 'p1').map((task) => task.seed)).size,
    ).toBe(1);
  });
});

describe('readResults', () => {
  const line = (value: unknown): string => JSON.stringify(value);
  it('keeps the latest line of each key', () => {
    const first = result('cot', 1, 'p1', false, { error: 'HTTP 502: upstream down' });
    const retry = result('cot', 1, 'p1', true);
    const text =
      [first, result('cot', 1, 'p2', true), retry].map((r) => line(resultToWire(r))).join('\n') +
      '\n';
    const read = readResults(text);
    expect(read.results.map((r) => [r.key, r.isCorrect, r.error])).toEqual([
      ['cot|1|p2', true, null],
      ['cot|1|p1', true, null],
    ]);
    expect(read.badLines).toEqual([]);
    expect(read.endsWithNewline).toBe(true);
  });
  it('skips a torn last line and reports it', () => {
    const good = line(resultToWire(result('cot', 1, 'p1', true)));
    const read = readResults(`${good}\n${good.slice(0, 40)}`);
    expect(read.results).toHaveLength(1);
    expect(read.badLines).toEqual([2]);
    expect(read.endsWithNewline).toBe(false);
  });
  it('skips lines of the wrong shape', () => {
    expect(readResults('{"key": "x"}\n').badLines).toEqual([1]);
  });
  it('reads an empty file', () => {
    expect(readResults('')).toEqual({ results: [], badLines: [], endsWithNewline: true });
  });
});

describe('planResume', () => {
  const tasks = buildTasks(problems, ['cot', 'best_of_n'], [4], 0);
  const done = (arm: 'cot' | 'best_of_n', budget: number, id: string, extra = {}) =>
    result(arm, budget, id, true, { model: 'm', seed: requestSeed(0, id), ...extra });

  it('skips keys with a successful result and keeps the rest pending, in order', () => {
    const plan = planResume(tasks, [done('cot', 1, 'p1'), done('best_of_n', 4, 'p2')], 'm');
    expect(plan.doneCount).toBe(2);
    expect(plan.pending.map((task) => task.key)).toEqual(['best_of_n|4|p1', 'cot|1|p2']);
  });
  it('retries keys whose latest result is an error', () => {
    const plan = planResume(
      tasks,
      [done('cot', 1, 'p1', { error: 'HTTP 502: x', isCorrect: false })],
      'm',
    );
    expect(plan.doneCount).toBe(0);
    expect(plan.pending).toHaveLength(4);
  });
  it('resumes with zero pending when everything is done', () => {
    const all = tasks.map((task) =>
      done(task.arm as 'cot' | 'best_of_n', task.budget, task.problem.id),
    );
    expect(planResume(tasks, all, 'm')).toEqual({ pending: [], doneCount: 4 });
  });
  it('ignores results of problems or cells outside the grid', () => {
    expect(
      planResume(tasks, [done('cot', 1, 'other'), done('best_of_n', 64, 'p1')], 'm').doneCount,
    ).toBe(0);
  });
  it('refuses results from another model, seed or dataset', () => {
    expect(() => planResume(tasks, [done('cot', 1, 'p1')], 'other-model')).toThrow(ConfigError);
    expect(() => planResume(tasks, [done('cot', 1, 'p1', { seed: 5 })], 'm')).toThrow(/seed/);
    expect(() => planResume(tasks, [done('cot', 1, 'p1', { gold: '99' })], 'm')).toThrow(
      /another dataset/,
    );
  });
});
