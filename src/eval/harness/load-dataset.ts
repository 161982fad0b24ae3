/**
 * The one dataset loader of `tts-proxy eval` and `tts-proxy calibrate`: read the file, parse it
 * (`parseDataset`: the same fields, checks and errors naming file and line for both commands) and
 * fingerprint its content, so a resumed run can tell the same data at another path from changed
 * data.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../errors';
import type { EvalProblem } from '../eval-types';
import { parseDataset } from './parse-dataset';

export interface LoadedDataset {
  /** The first `limit` problems (all without a limit), in file order. */
  problems: EvalProblem[];
  /** sha256 of the whole file, not of the first `limit` problems: a larger limit later may resume. */
  sha256: string;
}

/**
 * @throws ConfigError (naming `--dataset`) when the file is missing or unreadable, a line is not a
 *   problem, an id repeats, or there is no problem at all.
 */
export function loadDataset(file: string, options: { limit?: number } = {}): LoadedDataset {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(
      '--dataset',
      code === 'ENOENT'
        ? `file not found: ${file}`
        : `cannot read ${file}: ${(error as Error).message}`,
    );
  }
  const all = parseDataset(text, { source: file });
  return {
    problems: options.limit === undefined ? all : all.slice(0, options.limit),
    sha256: createHash('sha256').update(text).digest('hex'),
  };
}
