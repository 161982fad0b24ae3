import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  demoSetJsonLines,
  generateDemoSet,
  levelOfDifficulty,
  parseDataset,
} from '../../../src/eval';
import { describeProblem } from '../../../src/sim';

const DEMO_FILE = path.resolve(__dirname, '../../../config/demo-problems.jsonl');

describe('levelOfDifficulty', () => {
  it('maps [0, 1] to levels 1-5 by fifths', () => {
    expect([0, 0.19, 0.2, 0.5, 0.8, 1].map(levelOfDifficulty)).toEqual([1, 1, 2, 3, 5, 5]);
  });
});

describe('generateDemoSet', () => {
  const problems = generateDemoSet();

  it('has 12 problems at each of the five levels, levels mixed in order', () => {
    expect(problems).toHaveLength(60);
    for (let level = 1; level <= 5; level++)
      expect(problems.filter((p) => p.level === level)).toHaveLength(12);
    expect(new Set(problems.slice(0, 10).map((p) => p.level)).size).toBeGreaterThan(2);
  });
  it("carries the simulator's answers and difficulties", () => {
    for (const p of problems.slice(0, 10)) {
      const described = describeProblem(p.problem);
      expect(p.answer).toBe(described.answer);
      expect(p.difficulty).toBeCloseTo(described.difficulty, 4);
    }
  });
  it('is what config/demo-problems.jsonl ships (regenerate it if the simulated world changed)', () => {
    expect(readFileSync(DEMO_FILE, 'utf8')).toBe(demoSetJsonLines(problems));
  });
  it('parses as an eval dataset with level and difficulty', () => {
    const parsed = parseDataset(readFileSync(DEMO_FILE, 'utf8'), { source: DEMO_FILE });
    expect(parsed[0]).toMatchObject({
      id: 'sim-demo-001',
      level: expect.any(Number) as number,
      difficulty: expect.any(Number) as number,
    });
  });
});
