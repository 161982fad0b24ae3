/**
 * PRM prefix-score cache: a causal PRM's score of a prefix does not change when steps are
 * appended, so the verifier answers a path whose every prefix it has scored from its lru-cache.
 * Measured as PRM tokens sent vs saved when an identical request (same question and seed, so the
 * simulator replays the same paths) is repeated, per method.
 */
import type { Pool } from 'undici';
import { runLoad } from '../lib/run-load';
import { ratio } from '../lib/summarize';
import { ttsBody, ttsMeta, type TtsMetaWire } from '../lib/tts-wire';

async function once(pool: Pool, body: unknown): Promise<TtsMetaWire> {
  let meta: TtsMetaWire | null = null;
  const result = await runLoad({
    pool,
    path: '/v1/chat/completions',
    count: 1,
    concurrency: 1,
    body: () => body,
    onResponse: (_i, _s, json) => (meta = ttsMeta(json)),
  });
  if (meta === null) throw new Error(`prm-cache request failed: ${result.firstError}`);
  return meta;
}

export async function runPrmCache(pool: Pool, question: string): Promise<Record<string, unknown>> {
  const methods = {
    best_of_n: { n: 16, strategy: 'best_of_n' },
    beam_search: { n: 16, m: 4, strategy: 'beam_search' },
    dvts: { n: 16, m: 4, strategy: 'dvts' },
  };
  const out: Record<string, unknown> = {};
  let seed = 424_242;
  for (const [name, budget] of Object.entries(methods)) {
    const body = ttsBody(question, budget, { seed: seed++ });
    const first = await once(pool, body);
    const second = await once(pool, body);
    out[name] = {
      first: {
        prm_tokens: first.prm_tokens,
        prm_cached_tokens: first.prm_cached_tokens,
        prm_calls: first.prm_calls,
      },
      repeat: {
        prm_tokens: second.prm_tokens,
        prm_cached_tokens: second.prm_cached_tokens,
        prm_calls: second.prm_calls,
      },
      repeat_saved_share: ratio(
        second.prm_cached_tokens,
        second.prm_cached_tokens + second.prm_tokens,
      ),
    };
  }
  return out;
}
