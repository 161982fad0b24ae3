/**
 * The labelled dev set of `tts-proxy calibrate`, read with the eval's loader (`parseDataset`):
 * both commands accept the same fields and report the same errors.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../../../errors';
import { parseDataset } from '../../../eval';

export interface DevProblem {
  id: string;
  problem: string;
  answer: string;
}

/**
 * The first `limit` problems of the file (all without a limit), with the sha256 of the whole file.
 *
 * @throws ConfigError when the file cannot be read, a line is not a problem, an id repeats, or
 *   there is no problem at all.
 */
export async function loadDataset(
  file: string,
  limit: number | undefined,
): Promise<{ problems: DevProblem[]; sha256: string }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError('--dataset', `cannot read ${file}: ${(error as Error).message}`);
  }
  const all = parseDataset(text, { source: file });
  const problems = (limit === undefined ? all : all.slice(0, limit)).map(
    ({ id, problem, answer }) => ({ id, problem, answer }),
  );
  // The whole file, not the first --limit problems: a larger --limit later may resume.
  return { problems, sha256: createHash('sha256').update(text).digest('hex') };
}
