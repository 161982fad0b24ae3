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
import { addUpstreamCallsTo } from '../../util';
import type { PrmFamily, PrmInput } from '../../prm';
import { preparePrmTokens, type PreparedPrmTokens } from '../../prm';
import type { ScoreResult, Verifier } from '../../tts';
import { isContextLengthError } from '../context-budget';
import { createPathKeys } from '../path-keys';
import { createPrmBatcher, type PrmBatcher } from './prm-batcher';
import type { UpstreamClient } from '../transport/upstream-client';
import { createPrmQueries, PROMPT_LOGPROBS_MAX, type PrmQueryAnswer } from './prm-queries';
import { readPathScores } from './prm-read-scores';
import { createBatchTokenizer } from './prm-tokenize-batch';

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

/** The cached scores of one scored path: one per step, each the score of that step's prefix. */
export interface PrefixScore {
  scores: readonly number[];
  /** Approximate PRM input tokens of the path (for saved-token accounting). */
  tokens: number;
}

/** Characters per token below which no real tokenizer goes; used to skip /tokenize safely. */
const MIN_CHARS_PER_TOKEN = 1;

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

  /** Upstream calls of one `score`, counted as each is made. */
  interface CallCount {
    calls: number;
  }

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
    const scores: (number[] | null)[] = new Array<number[] | null>(paths.length).fill(null);
    const keys: (string | null)[] = new Array<string | null>(paths.length).fill(null);
    // Keys are hash chains (parent key + step, see path-keys.ts), one short hash per step.
    const scope = canCache ? `${servedName}\u0000${question}` : null;
    let cachedTokens = 0;
    const pending: number[] = [];
    paths.forEach((steps, i) => {
      if (steps.length === 0) {
        scores[i] = [];
        return;
      }
      if (canCache && scope !== null) {
        const key = pathKeys.keyOf(scope, steps);
        keys[i] = key;
        const hit = cache.get(key);
        if (hit !== undefined && hit.scores.length === steps.length) {
          scores[i] = [...hit.scores];
          cachedTokens += hit.tokens;
          return;
        }
      }
      pending.push(i);
    });
    if (pending.length === 0)
      return {
        scores: scores as number[][],
        promptTokens: 0,
        cachedTokens,
        truncatedPaths: [],
        calls: 0,
      };

    const inputs = pending.map((i) => family.render(question, paths[i] ?? []));
    const truncated = new Set<number>();
    const countCall = (): void => {
      count.calls += 1;
    };
    // Ids from the scoring call itself: only for texts without swaps (a swap must be applied to
    // ids before sending), and only while the server is not known to omit them.
    const idsAfter = needsIds && queries.returnsPromptIds() !== false;
    // Each input is tokenized upstream at most once per `score`.
    const tokenized: (PreparedPrmTokens | undefined)[] = [];
    /**
     * Tokenize the inputs `ks` not tokenized yet, all in as few calls as the server allows; with
     * `cut` their ids are fitted to `maxInputTokens` (to send), else kept whole (a text the
     * server already took whole).
     */
    const tokenizeInputs = async (ks: readonly number[], cut: boolean): Promise<void> => {
      const missing = ks.filter((k) => tokenized[k] === undefined);
      for (const addSpecial of [false, true]) {
        const group = missing.filter(
          (k) => (inputs[k] as PrmInput).addSpecialTokens === addSpecial,
        );
        if (group.length === 0) continue;
        const texts = group.map((k) => (inputs[k] as PrmInput).text);
        const result = await batchTokenizer.tokenizeAll(texts, addSpecial, signal, countCall);
        group.forEach((k, j) => {
          const ids = result.ids[j] ?? [];
          const tokens = preparePrmTokens(family, inputs[k] as PrmInput, ids, {
            maxTokens: cut ? options.maxInputTokens : ids.length,
            upstream: client.name,
          });
          if (tokens.droppedTokens > 0) truncated.add(pending[k] as number);
          tokenized[k] = tokens;
        });
      }
    };
    const needsIdsFirst = needsIds && !idsAfter;
    const indices = inputs.map((_, k) => k);
    /**
     * What to send as ids (null = as text): placeholder swaps, position readouts whose ids the
     * scoring call cannot return, and with `checkLength` texts that may not fit (no real tokenizer
     * makes fewer than one character per token) and then do not. vLLM takes a list of texts or a
     * list of id lists, never a mix (`prompt` / `input`: `list[str] | list[list[int]]`), so once
     * one input goes as ids, all do.
     */
    const prepare = async (checkLength: boolean): Promise<(PreparedPrmTokens | null)[]> => {
      const isPlainText = (input: PrmInput): boolean =>
        !needsIdsFirst && input.tokenSwaps.length === 0;
      const mightOverflow = (input: PrmInput): boolean =>
        checkLength && input.text.length / MIN_CHARS_PER_TOKEN > options.maxInputTokens;
      await tokenizeInputs(
        indices.filter((k) => {
          const input = inputs[k] as PrmInput;
          return !isPlainText(input) || mightOverflow(input);
        }),
        true,
      );
      // A text that fits and needs nothing done to its ids is sent as text (readable in logs).
      const chosen = inputs.map((input, k) => {
        const tokens = tokenized[k];
        if (tokens === undefined) return null;
        return isPlainText(input) && tokens.droppedTokens === 0 ? null : tokens;
      });
      const asIds = chosen.filter((tokens) => tokens !== null).length;
      if (asIds === 0 || asIds === chosen.length) return chosen;
      await tokenizeInputs(indices, true);
      return inputs.map((_, k) => tokenized[k] ?? null);
    };
    const addSpecialTokens = inputs[0]?.addSpecialTokens ?? false;
    // Texts go as they are; only when the PRM rejects a length are the long ones counted and cut.
    let prepared = await prepare(false);
    let payload = inputs.map((input, k) => prepared[k]?.ids ?? input.text);
    let answer: PrmQueryAnswer;
    try {
      countCall();
      answer = await query(payload, addSpecialTokens, signal);
    } catch (error) {
      if (!isContextLengthError(error)) throw error;
      prepared = await prepare(true);
      payload = inputs.map((input, k) => prepared[k]?.ids ?? input.text);
      countCall();
      answer = await query(payload, addSpecialTokens, signal);
    }
    const { raws } = answer;
    if (raws.length !== pending.length) {
      throw new InvalidUpstreamResponseError(
        client.name,
        `expected ${pending.length} results, got ${raws.length}`,
      );
    }
    if (idsAfter) {
      // Texts sent as text: their positions come from the ids the server tokenized them to, from
      // the answer itself or, from a server that did not return them, `/tokenize` after the call.
      const promptIds = answer.promptIds;
      await tokenizeInputs(
        indices.filter((k) => prepared[k] === null && (promptIds?.[k] ?? null) === null),
        false,
      );
      prepared = prepared.map((tokens, k) => {
        if (tokens !== null) return tokens;
        // Tokenized here or for a length check, fitted and sent whole: the same ids.
        const known = tokenized[k];
        if (known !== undefined) return known;
        const ids = promptIds?.[k] ?? [];
        // The server took the whole text: nothing to cut.
        return preparePrmTokens(family, inputs[k] as PrmInput, ids, {
          maxTokens: ids.length,
          upstream: client.name,
        });
      });
    }
    const read = await readPathScores({
      family,
      raws,
      contexts: pending.map((pathIndex, k) => {
        const tokens = prepared[k] ?? null;
        return {
          stepCount: (paths[pathIndex] ?? []).length - (tokens?.droppedSteps ?? 0),
          ...(tokens ? { tokenIds: tokens.ids, scorePositions: tokens.scorePositions } : {}),
          upstream: client.name,
        };
      }),
      reask: (ks) => {
        countCall();
        const again = ks.map((k) => payload[k] as string | number[]);
        return query(again, addSpecialTokens, signal, PROMPT_LOGPROBS_MAX);
      },
      upstream: client.name,
    });
    const promptTokens = answer.promptTokens + read.promptTokens;
    // Saved-token accounting: the call's tokens shared over its paths by input size.
    const totalSize = payload.reduce((sum, item) => sum + item.length, 0);
    pending.forEach((pathIndex, k) => {
      const steps = paths[pathIndex] ?? [];
      const pathScores = read.scores[k] ?? [];
      // Left truncation drops the markers of the earliest steps; their scores are unknown, so
      // reuse the first known score rather than invent one (the path is flagged as truncated).
      const full =
        pathScores.length < steps.length
          ? [
              ...Array<number>(steps.length - pathScores.length).fill(pathScores[0] ?? 0),
              ...pathScores,
            ]
          : pathScores;
      if (full.length !== steps.length) {
        throw new InvalidUpstreamResponseError(
          client.name,
          `PRM returned ${pathScores.length} step scores for ${steps.length} steps`,
        );
      }
      scores[pathIndex] = full;
      const key = keys[pathIndex];
      if (canCache && key !== null && key !== undefined && !truncated.has(pathIndex)) {
        const size = payload[k]?.length ?? 0;
        cache.set(key, {
          scores: [...full],
          tokens: totalSize === 0 ? 0 : Math.round((promptTokens * size) / totalSize),
        });
      }
    });
    return {
      scores: scores as number[][],
      promptTokens,
      cachedTokens,
      truncatedPaths: [...truncated],
      calls: count.calls,
    };
  }
}
