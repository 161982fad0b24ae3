/**
 * The paper's generation settings (`src/scripts/run.sh` and `evaluate.py` of
 * RyanLiu112/compute-optimal-tts), shared by the defaults object beside each method.
 */
import type { SearchOptions } from './search-types';

/**
 * Settings common to the sampled methods: T=0.7, top_p=1, 2048 tokens per step, 40 steps, 8192
 * tokens per solution, M=4, PRM-last ranking. N=16 is a middle budget of the paper's {4,...,256}.
 */
export const PAPER_DEFAULTS: Readonly<SearchOptions> = Object.freeze({
  n: 16,
  m: 4,
  temperature: 0.7,
  topP: 1,
  maxTokensPerStep: 2048,
  maxTotalTokens: 8192,
  maxDepth: 40,
  searchAggregation: 'last',
});
