/**
 * The `Verifier` over a PRM server. The family (`prm/`) owns the text and the readout; this file
 * only moves bytes: one batched upstream call per `score` (vLLM `/pooling` with a list input, or
 * `/v1/completions` with `prompt_logprobs` for PRMs served generatively), plus `/tokenize` only
 * where the ids must be known BEFORE sending (a family that swaps placeholder tokens, Skywork; a
 * position readout on a route that cannot return the prompt's ids; a retry after the PRM refused a
 * length) or the server did not return them. A prompt-logprobs family sent as text (Math-Shepherd,
 * RLHFlow) learns its ids from the same `/v1/completions` call (`return_token_ids`,
 * docs/upstream-apis.md#pooling-and-prm-readouts). The texts to tokenize go in one joined
 * `/tokenize` call where the family allows it (`pathStartToken`, see prm-tokenize-batch.ts), else one
 * call each. A prompt-logprobs answer missing a label at the small k asked first gets one more call
 * for those paths (prm-read-scores.ts). Every upstream call is counted in `calls`, and a failed
 * `score` adds the calls it made to its error (util/upstream-calls-on-error.ts). With a `batcher`,
 * `/pooling` calls of concurrent requests may share one upstream call (see prm-batcher.ts); each
 * `score` is still answered by exactly one `/pooling` call.
 *
 * Score cache: for a causal PRM a step's score depends only on the question and the steps up to
 * it, so scores do not change when steps are appended and a path scored before (by this or another
 * request: repeated requests, identical paths in different DVTS subtrees) is not sent again; the
 * saved tokens are reported. The PRM needs the whole path to score its last step, so a path that
 * merely EXTENDS a cached one is sent in full: no adapter here can send a suffix alone.
 */
import { LRUCache } from 'lru-cache';
import { InvalidUpstreamResponseError } from '../../errors';
import { addUpstreamCallsTo, throwIfAborted, yieldToEventLoop } from '../../util';
import type { PrmFamily, PrmInput, ReadScoresContext } from '../../prm';
import type { ScoreResult, Verifier } from '../../tts';
import { isContextLengthError } from '../context-budget';
import { createPathKeys } from '../path-keys';
import { createPrmBatcher, type PrmBatcher } from './prm-batcher';
import type { UpstreamClient } from '../transport/upstream-client';
import { createPrmQueries, PROMPT_LOGPROBS_MAX, type PrmQueryAnswer } from './prm-queries';
import { readPathScores } from './prm-read-scores';
import { createBatchTokenizer } from './prm-tokenize-batch';
import {
  CallTokens,
  fullScores,
  payloadOf,
  type CallCount,
  type TokenizingContext,
} from './prm-call-tokens';

export interface PrmVerifierOptions {
  client: UpstreamClient;
  servedName: string;
  family: PrmFamily;
  maxInputTokens: number;
  /** Shared across requests; null disables caching. Keys are path hashes, values step scores. */
  cache: LRUCache<string, PrefixScore> | null;
  /**
   * Merge `/pooling` calls of concurrent requests (see `createPrmBatcher`); omitted = every
   * `score` sends its own call. Not used by prompt-logprobs families (`/v1/completions`).
   */
  batcher?: PrmBatcher;
  /**
   * Config `tts.prm_batch_window_ms` / `prm_batch_max_paths`: with a window above 0 (0 = off) the
   * verifier makes its own batcher, shared by every request it scores. Ignored when `batcher` is given.
   */
  batch?: { windowMs: number; maxPaths: number };
  /**
   * Route of a pooling readout: `pooling` (vLLM `/pooling`, default) or `embeddings`
   * (`/v1/embeddings`, Skywork's own plugin on vLLM 0.6.4.post1, which answers the value head's
   * per-token outputs as `embedding`). Ignored by prompt-logprobs families.
   */
  route?: 'pooling' | 'embeddings';
  /**
   * Ask `/v1/completions` for the prompt's ids in the same call (`return_token_ids`, vLLM ≥ 0.10.2:
   * `choices[i].prompt_token_ids`), instead of tokenizing the paths first. Default true; false
   * for a server known to predate it (older vLLM ignores the field and logs a warning per call).
   * A response without the ids is read after tokenizing its paths (one joined call where the
   * family allows it), and the field is not sent again by this verifier.
   */
  returnTokenIds?: boolean;
  /**
   * Tokenize a batch's texts in one joined `/tokenize` call when the family has a
   * `pathStartToken` (prm-tokenize-batch.ts). Default true; false when the start-up check
   * (prm-join-check.ts) found that this server's tokenizer does not keep joined texts apart.
   */
  joinTokenize?: boolean;
}

/**
 * A `score` of more paths than this gives the event loop a turn before hashing them (when it
 * caches), before rendering them, before serialising the call, and after reading its scores, so
 * that other clients' waiting I/O goes in between: `node dist-bench/test/bench/heavy-steps.js`
 * prints what each step costs for 64 paths
 * (docs/performance.md#what-a-loaded-phase-costs-the-event-loop).
 */
export const PATHS_PER_TURN = 16;

/**
 * A turn of the event loop before the scoring call; a request aborted meanwhile (its deadline, or
 * its client gone) stops here, before it renders, sends or counts a call it will not make.
 */
async function turnBeforeSending(signal: AbortSignal | undefined): Promise<void> {
  await yieldToEventLoop();
  throwIfAborted(signal);
}

/** The cached scores of one scored path: one per step, each the score of that step's prefix. */
export interface PrefixScore {
  scores: readonly number[];
  /** Approximate PRM input tokens of the path (for saved-token accounting). */
  tokens: number;
}

export function createPrmCache(maxEntries: number): LRUCache<string, PrefixScore> | null {
  return maxEntries > 0 ? new LRUCache<string, PrefixScore>({ max: maxEntries }) : null;
}

export function createPrmVerifier(options: PrmVerifierOptions): Verifier {
  const { client, servedName, family, cache } = options;
  const batcher =
    options.batcher ??
    (options.batch && options.batch.windowMs > 0
      ? createPrmBatcher({
          client,
          windowMs: options.batch.windowMs,
          maxInputs: options.batch.maxPaths,
        })
      : undefined);
  const readout = family.readout;
  const needsIds = readout.kind === 'pooling-token-values' || readout.kind === 'prompt-logprobs';
  const queries = createPrmQueries({
    client,
    servedName,
    readout,
    ...(options.route ? { route: options.route } : {}),
    ...(batcher ? { batcher } : {}),
    asksPromptIds: readout.kind === 'prompt-logprobs' && options.returnTokenIds !== false,
  });
  const { tokenize, query } = queries;
  const batchTokenizer = createBatchTokenizer({
    tokenize,
    ...(family.pathStartToken && options.joinTokenize !== false
      ? { pathStartId: family.pathStartToken.tokenId }
      : {}),
  });
  const canCache = cache !== null && family.isCausal;
  const pathKeys = createPathKeys();

  const tokenizing: TokenizingContext = {
    family,
    batchTokenizer,
    // A prompt-logprobs readout is a /v1/completions call that generates one token, and vLLM
    // refuses a prompt whose length plus max_tokens passes max_model_len (serving_engine.py
    // `_validate_input`): a path cut to fit keeps one token of room for it.
    maxInputTokens:
      readout.kind === 'prompt-logprobs' ? options.maxInputTokens - 1 : options.maxInputTokens,
    upstream: client.name,
  };

  return {
    async score(question, paths, signal): Promise<ScoreResult> {
      const count: CallCount = { calls: 0 };
      try {
        return await scoreCounted(question, paths, signal, count);
      } catch (error) {
        // The calls a failed `score` made travel with its error (the pipeline counts them).
        addUpstreamCallsTo(error, count.calls);
        throw error;
      }
    },
  };

  async function scoreCounted(
    question: string,
    paths: readonly (readonly string[])[],
    signal: AbortSignal | undefined,
    count: CallCount,
  ): Promise<ScoreResult> {
    // Many paths (see PATHS_PER_TURN): a turn before each long step.
    if (canCache && paths.length > PATHS_PER_TURN) await turnBeforeSending(signal);
    const scores: (number[] | null)[] = [];
    const keys: (string | null)[] = [];
    // One hash per path (scope key + length-prefixed steps, see path-keys.ts).
    const scope = canCache ? `${servedName}\u0000${question}` : null;
    let cachedTokens = 0;
    const pending: number[] = [];
    for (let i = 0; i < paths.length; i++) {
      const steps = paths[i] as readonly string[];
      scores.push(null);
      keys.push(null);
      if (steps.length === 0) {
        scores[i] = [];
        continue;
      }
      if (canCache && scope !== null) {
        const key = pathKeys.keyOf(scope, steps);
        keys[i] = key;
        const hit = cache.get(key);
        if (hit !== undefined && hit.scores.length === steps.length) {
          scores[i] = [...hit.scores];
          cachedTokens += hit.tokens;
          continue;
        }
      }
      pending.push(i);
    }
    if (pending.length === 0)
      return {
        scores: scores as number[][],
        promptTokens: 0,
        cachedTokens,
        truncatedPaths: [],
        calls: 0,
      };

    const isMany = pending.length > PATHS_PER_TURN;
    if (isMany) await turnBeforeSending(signal);
    const inputs: PrmInput[] = [];
    for (const i of pending) inputs.push(family.render(question, paths[i] ?? []));
    if (isMany) await turnBeforeSending(signal);
    // Ids from the scoring call itself: only for texts without swaps (a swap must be applied to
    // ids before sending), and only while the server is not known to omit them.
    const idsAfter = needsIds && queries.returnsPromptIds() !== false;
    const tokens = new CallTokens(
      tokenizing,
      question,
      paths,
      inputs,
      pending,
      needsIds && !idsAfter,
      signal,
      count,
    );
    const addSpecialTokens = inputs[0]?.addSpecialTokens ?? false;
    // Texts go as they are; only when the PRM rejects a length are the long ones counted and cut.
    let prepared = await tokens.prepare(false);
    let payload = payloadOf(inputs, prepared);
    let answer: PrmQueryAnswer;
    try {
      count.calls += queries.callsFor(payload.length);
      answer = await query(payload, addSpecialTokens, signal);
    } catch (error) {
      if (!isContextLengthError(error)) throw error;
      prepared = await tokens.prepare(true);
      payload = payloadOf(inputs, prepared);
      count.calls += queries.callsFor(payload.length);
      answer = await query(payload, addSpecialTokens, signal);
    }
    const { raws } = answer;
    if (raws.length !== pending.length) {
      throw new InvalidUpstreamResponseError(
        client.name,
        `expected ${pending.length} results, got ${raws.length}`,
      );
    }
    if (idsAfter) prepared = await tokens.afterCall(prepared, answer.promptIds);
    const contexts: ReadScoresContext[] = [];
    for (let k = 0; k < pending.length; k++) {
      const sent = prepared[k] ?? null;
      const stepCount = (paths[pending[k] as number] ?? []).length - (sent?.droppedSteps ?? 0);
      contexts.push(
        sent
          ? {
              stepCount,
              tokenIds: sent.ids,
              scorePositions: sent.scorePositions,
              upstream: client.name,
            }
          : { stepCount, upstream: client.name },
      );
    }
    const read = await readPathScores({
      family,
      raws,
      contexts,
      reask: (ks) => {
        const again: (string | number[])[] = [];
        for (const k of ks) again.push(payload[k] as string | number[]);
        count.calls += queries.callsFor(again.length);
        return query(again, addSpecialTokens, signal, PROMPT_LOGPROBS_MAX);
      },
      upstream: client.name,
    });
    const promptTokens = answer.promptTokens + read.promptTokens;
    // Saved-token accounting: the call's tokens shared over its paths by input size.
    let totalSize = 0;
    for (const item of payload) totalSize += item.length;
    for (let k = 0; k < pending.length; k++) {
      const pathIndex = pending[k] as number;
      const steps = paths[pathIndex] ?? [];
      const full = fullScores(read.scores[k] ?? [], steps.length, client.name);
      scores[pathIndex] = full;
      const key = keys[pathIndex];
      if (canCache && key !== null && key !== undefined && !tokens.truncated.has(pathIndex)) {
        const size = payload[k]?.length ?? 0;
        cache.set(key, {
          scores: [...full],
          tokens: totalSize === 0 ? 0 : Math.round((promptTokens * size) / totalSize),
        });
      }
    }
    if (isMany) await yieldToEventLoop();
    return {
      scores: scores as number[][],
      promptTokens,
      cachedTokens,
      truncatedPaths: [...tokens.truncated],
      calls: count.calls,
    };
  }
}
