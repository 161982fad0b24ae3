/**
 * Parses a labelled dataset, the one loader of `tts-proxy eval` and `tts-proxy calibrate`: JSON
 * lines `{problem, answer}` (`question` is read as `problem`) plus the optional fields of MATH-500
 * (`id` / `unique_id`, `level`, `subject`) and the demo set's `difficulty`. Unknown fields (e.g.
 * `solution`, `url`) are ignored. A bad line is a {@link ConfigError} naming the file and line.
 */
import { z } from 'zod';
import { ConfigError } from '../../errors';
import type { EvalProblem } from '../eval-types';

const idField = z.union([z.string().min(1), z.number()]);

const datasetLine = z.looseObject({
  problem: z.string().min(1, 'must be a non-empty string'),
  // AIME/AMC files sometimes carry integer answers.
  answer: z.union([z.string().min(1), z.number()]),
  id: idField.optional(),
  unique_id: idField.optional(),
  // MATH stores "Level 3"; MATH-500 copies store 3.
  level: z.union([z.number(), z.string()]).nullable().optional(),
  subject: z.string().nullable().optional(),
  difficulty: z.number().min(0).max(1).nullable().optional(),
});

function parseLevel(value: number | string | null | undefined, where: string): number | null {
  if (value === null || value === undefined) return null;
  // MATH's "Level ?" rows exist in the full training set; treat them as unknown rather than fail.
  if (typeof value === 'string' && value.includes('?')) return null;
  const digits =
    typeof value === 'string' ? /^\s*(?:level\s*)?(\d+)\s*$/i.exec(value)?.[1] : undefined;
  const level =
    typeof value === 'number' ? value : digits !== undefined ? Number(digits) : Number.NaN;
  if (!Number.isInteger(level) || level < 1) {
    throw new ConfigError(
      '--dataset',
      `${where}: 'level' must be a positive integer or "Level N", got ${JSON.stringify(value)}`,
    );
  }
  return level;
}

/** Some datasets (GSM8K style) name the problem `question`. */
function withProblemAlias(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const record = value as Record<string, unknown>;
  return record['problem'] === undefined && typeof record['question'] === 'string'
    ? { ...record, problem: record['question'] }
    : value;
}

export interface ParseDatasetOptions {
  /** Shown in error messages, e.g. the file path. */
  source: string;
}

/**
 * Parses dataset text. Blank lines are skipped; ids must be unique (they key resumed runs).
 * @throws ConfigError for invalid JSON, a missing or wrong field, a duplicate id, or no rows.
 */
export function parseDataset(text: string, options: ParseDatasetOptions): EvalProblem[] {
  const problems: EvalProblem[] = [];
  const seen = new Map<string, number>();
  const lines = text.split('\n');
  for (const [index, raw] of lines.entries()) {
    const lineNumber = index + 1;
    const line = raw.trim();
    if (line === '') continue;
    const where = `${options.source} line ${lineNumber}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new ConfigError('--dataset', `${where}: not valid JSON`);
    }
    const parsed = datasetLine.safeParse(withProblemAlias(value));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.map(String).join('.') || 'line';
      const isMissing =
        typeof value === 'object' &&
        value !== null &&
        !Array.isArray(value) &&
        issue?.path.length === 1 &&
        !(field in value);
      const problem = isMissing
        ? 'is missing'
        : `is invalid: ${issue?.message ?? 'unexpected value'}`;
      throw new ConfigError(
        '--dataset',
        `${where}: '${field}' ${problem} (expected JSON like {"problem": "...", "answer": "..."})`,
      );
    }
    const row = parsed.data;
    const rawId = row.id ?? row.unique_id;
    const id = rawId === undefined ? `line-${lineNumber}` : String(rawId);
    const previous = seen.get(id);
    if (previous !== undefined)
      throw new ConfigError(
        '--dataset',
        `${where}: duplicate id '${id}' (first on line ${previous})`,
      );
    seen.set(id, lineNumber);
    problems.push({
      id,
      problem: row.problem,
      answer: String(row.answer),
      level: parseLevel(row.level, where),
      subject: row.subject ?? null,
      difficulty: row.difficulty ?? null,
    });
  }
  if (problems.length === 0)
    throw new ConfigError(
      '--dataset',
      `${options.source}: no problems (expected JSON lines {"problem", "answer"})`,
    );
  return problems;
}
