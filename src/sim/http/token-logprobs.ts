import type { LabelDistribution } from '../engine/sim-engine';
import { hashParts, unitFromHash } from '../hash-text';
import type { SimTokenizer } from '../tokenizer/sim-tokenizer';

/** One entry of a next-token distribution. `rank` is 1-based over the whole vocabulary, as in vLLM. */
export interface RankedToken {
  id: number;
  logprob: number;
  rank: number;
}

export interface TokenDistribution {
  actual: RankedToken;
  /** The k most likely tokens, best first. */
  top: RankedToken[];
}

// Plausible runner-up tokens for synthetic distributions.
const ALTERNATIVE_TEXTS = [
  ' the',
  ',',
  '.',
  ' we',
  ' is',
  ' of',
  ' to',
  ' and',
  '\n\n',
  ' =',
  ' a',
  ' $',
  ' 1',
  ' 2',
  ' so',
  ' that',
  ' this',
  ' it',
  ' in',
  ' for',
  ' with',
  ' by',
  ' total',
  ' number',
];
// Share of probability mass on "+"/"-" at a label position.
const LABEL_MASS = 0.97;

// eslint-disable-next-line no-restricted-syntax -- keys are the simulator's tokenizers, one per server.
const alternativesCache = new WeakMap<SimTokenizer, number[]>();

function alternativeIds(tokenizer: SimTokenizer): number[] {
  let ids = alternativesCache.get(tokenizer);
  if (!ids) {
    ids = [...new Set(ALTERNATIVE_TEXTS.map((text) => tokenizer.encode(text)[0] ?? 0))];
    alternativesCache.set(tokenizer, ids);
  }
  return ids;
}

function rank(
  entries: { id: number; logprob: number }[],
  actualId: number,
  k: number,
): TokenDistribution {
  const sorted = [...entries]
    .sort((a, b) => b.logprob - a.logprob)
    .map((entry, index) => ({ ...entry, rank: index + 1 }));
  const actual = sorted.find((entry) => entry.id === actualId) ?? {
    id: actualId,
    logprob: -30,
    rank: sorted.length + 1,
  };
  return { actual, top: sorted.slice(0, k) };
}

/**
 * A synthetic next-token distribution that is a proper (sub-)distribution: the actual token gets a
 * keyed probability, runner-ups share the rest geometrically. At a label position the "+"/"-"
 * probabilities encode the judgement, so P(+) / (P(+) + P(-)) is the step score.
 */
export function tokenDistribution(
  tokenizer: SimTokenizer,
  actualId: number,
  k: number,
  key: number,
  label: LabelDistribution | null,
): TokenDistribution {
  const entries: { id: number; logprob: number }[] = [];
  let rest: number;
  if (label) {
    entries.push({
      id: label.plusId,
      logprob: Math.log(LABEL_MASS * Math.max(label.plusProbability, 1e-12)),
    });
    entries.push({
      id: label.minusId,
      logprob: Math.log(LABEL_MASS * Math.max(1 - label.plusProbability, 1e-12)),
    });
    // Runner-ups stay below both labels, so top-2 is always {"+", "-"} (clients rely on it).
    rest = Math.min(
      1 - LABEL_MASS,
      LABEL_MASS * Math.min(label.plusProbability, 1 - label.plusProbability),
    );
  } else {
    const draw = unitFromHash(hashParts('logprob', key, actualId));
    const logprob = -(0.02 + 2.5 * draw * draw);
    entries.push({ id: actualId, logprob });
    rest = 1 - Math.exp(logprob);
  }
  const taken = new Set(entries.map((entry) => entry.id));
  let share = 0.5;
  for (const id of alternativeIds(tokenizer)) {
    if (entries.length >= Math.max(k, 1) + 2) break;
    if (taken.has(id)) continue;
    entries.push({ id, logprob: Math.log(Math.max(rest * share, 1e-12)) });
    share /= 2;
  }
  return rank(entries, actualId, k);
}
