/** The labelled dev set of `tts-proxy calibrate`: one `{problem, answer}` JSON object per line. */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ConfigError } from '../../../errors';

// The dataset fields we use (loose: a line may carry more, e.g. MATH-500's subject and level).
const datasetLineSchema = z.looseObject({
  problem: z.string().min(1).optional(),
  question: z.string().min(1).optional(),
  answer: z.union([z.string(), z.number()]),
  unique_id: z.string().min(1).optional(),
  id: z.union([z.string().min(1), z.number()]).optional(),
});

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
  const problems: DevProblem[] = [];
  const ids = new Set<string>();
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    if (limit !== undefined && problems.length >= limit) break;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new ConfigError('--dataset', `${file} line ${index + 1}: not valid JSON`);
    }
    const parsed = datasetLineSchema.safeParse(value);
    const problem = parsed.success ? (parsed.data.problem ?? parsed.data.question) : undefined;
    if (!parsed.success || problem === undefined) {
      throw new ConfigError(
        '--dataset',
        `${file} line ${index + 1}: expected {"problem": string, "answer": string}`,
      );
    }
    const id =
      parsed.data.unique_id ??
      (parsed.data.id !== undefined ? String(parsed.data.id) : `line-${index + 1}`);
    if (ids.has(id))
      throw new ConfigError('--dataset', `${file} line ${index + 1}: duplicate problem id '${id}'`);
    ids.add(id);
    problems.push({ id, problem, answer: String(parsed.data.answer) });
  }
  if (problems.length === 0) throw new ConfigError('--dataset', `${file} has no problems`);
  // The whole file, not the first --limit problems: a larger --limit later may resume.
  return { problems, sha256: createHash('sha256').update(text).digest('hex') };
}
