/**
 * Read every path's scores from one scoring answer, asking again for the paths whose label token
 * ranked below the `prompt_logprobs` k of the first call (prm-queries.ts): ONE more upstream call
 * for all of them, at the server's maximum, read from scratch. A label still missing then is the
 * same refusal a call at the maximum always gave. Other failures are not retried.
 */
import { InvalidUpstreamResponseError } from '../../errors';
import { LabelOutsideTopLogprobsError, type PrmFamily, type ReadScoresContext } from '../../prm';

export interface ReadPathScoresOptions {
  family: PrmFamily;
  /** Raw output per path, in payload order. */
  raws: readonly unknown[];
  /** Read context per path, in payload order. */
  contexts: readonly ReadScoresContext[];
  /** Ask again for the paths at these payload indices; the raws come back in the same order. */
  reask: (indices: readonly number[]) => Promise<{ raws: unknown[]; promptTokens: number }>;
  upstream: string;
}

export interface ReadPathScoresResult {
  /** Scores per path, in payload order. */
  scores: number[][];
  /** Prompt tokens of the call made again (0 when none was). */
  promptTokens: number;
}

export async function readPathScores(
  options: ReadPathScoresOptions,
): Promise<ReadPathScoresResult> {
  const { family, raws, contexts } = options;
  const scores: number[][] = [];
  const outsideTop: number[] = [];
  for (let k = 0; k < contexts.length; k++) {
    try {
      scores[k] = family.readScores(raws[k], contexts[k] as ReadScoresContext);
    } catch (error) {
      if (!(error instanceof LabelOutsideTopLogprobsError)) throw error;
      outsideTop.push(k);
    }
  }
  if (outsideTop.length === 0) return { scores, promptTokens: 0 };
  const again = await options.reask(outsideTop);
  if (again.raws.length !== outsideTop.length) {
    throw new InvalidUpstreamResponseError(
      options.upstream,
      `expected ${outsideTop.length} results, got ${again.raws.length}`,
    );
  }
  outsideTop.forEach((k, j) => {
    scores[k] = family.readScores(again.raws[j], contexts[k] as ReadScoresContext);
  });
  return { scores, promptTokens: again.promptTokens };
}
