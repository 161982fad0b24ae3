import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The shared benchmark files (`/work/shared/data`, next to the repository), read in place and
 * never copied into the repository. Suites that use them skip when they are absent.
 */
export const DATA_DIRECTORY = path.resolve(__dirname, '../../../../shared/data');

export interface MathRow {
  id: string;
  answer: string;
  solution: string;
}

export interface CompetitionRow {
  id: string;
  answer: string;
  answer_raw?: string | number;
}

export function hasDataFile(name: string): boolean {
  return fs.existsSync(path.join(DATA_DIRECTORY, name));
}

export function readJsonLines(name: string): unknown[] {
  return fs
    .readFileSync(path.join(DATA_DIRECTORY, name), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line): unknown => JSON.parse(line));
}

export function readMathRows(name: string): MathRow[] {
  return readJsonLines(name).map((row, index) => {
    if (!isRecord(row) || typeof row.answer !== 'string' || typeof row.solution !== 'string') {
      throw new Error(`${name}:${index + 1} lacks answer/solution`);
    }
    return { id: String(row.id), answer: row.answer, solution: row.solution };
  });
}

export function readCompetitionRows(name: string): CompetitionRow[] {
  return readJsonLines(name).map((row, index) => {
    if (!isRecord(row) || typeof row.answer !== 'string')
      throw new Error(`${name}:${index + 1} lacks answer`);
    const raw = row.answer_raw;
    return {
      id: String(row.id),
      answer: row.answer,
      ...(typeof raw === 'string' || typeof raw === 'number' ? { answer_raw: raw } : {}),
    };
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
