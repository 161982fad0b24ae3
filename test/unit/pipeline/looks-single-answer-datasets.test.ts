/**
 * The heuristic on real competition problems: every problem of the benchmark sets the paper uses
 * (MATH-500, AIME24, AMC23) must look like a single-answer problem, or a default budget would let
 * them pass through untouched. Skips when ../shared/data is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { looksSingleAnswer } from '../../../src/pipeline';

const DATA_DIR = path.resolve(__dirname, '../../../../shared/data'); // never copied into the repo
const SETS = ['math500', 'aime24', 'amc23'].filter((name) =>
  existsSync(path.join(DATA_DIR, `${name}.jsonl`)),
);

function problems(name: string): string[] {
  return readFileSync(path.join(DATA_DIR, `${name}.jsonl`), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => (JSON.parse(line) as { problem: string }).problem);
}

const describeIfData = SETS.length > 0 ? describe : describe.skip;

describeIfData('looksSingleAnswer on benchmark problems', () => {
  it.each(SETS)('calls every %s problem a single-answer problem', (name) => {
    const missed = problems(name).filter(
      (problem) => !looksSingleAnswer(problem).looksSingleAnswer,
    );
    expect(missed).toEqual([]);
  });
});
