/**
 * Bookkeeping shared by every method: the one place that calls the policy and the verifier.
 * It derives seeds, counts usage, validates what the upstreams return, tells aborts apart from
 * failures, and emits progress events, so each method file only holds its search logic.
 */
import { setMaxListeners } from 'node:events';
import { InvalidUpstreamResponseError, TtsError } from '../errors';
import { isAbortError, takeUpstreamCallsFrom, throwIfAborted } from '../util';
import type { Continuation, GenerateResult, SamplingParams } from './policy';
import type {
  Candidate,
  SearchDeps,
  SearchEvent,
  SearchOptions,
  SearchResult,
  SearchUsage,
  SearchWarning,
  SearchWarningCode,
} from './search-types';

/** Sampling parameters a method chooses; the run adds the seed. */
export type RoundParams = Omit<SamplingParams, 'seed'>;

export interface SearchRun {
  readonly options: SearchOptions;
  readonly deps: SearchDeps;
  /** Rounds started so far; a round is one policy call per prefix, made at once. */
  readonly round: number;
  /**
   * Start a round: one `policy.generate` call per prefix, all at once (one call for a single
   * prefix). Each call gets its own seed and its own token cap: an upstream gives every prompt
   * of one request the request's one seed (vLLM `serving_completion.py`: child j of each prompt
   * samples with seed + j), so beams sharing a prefix came back as copies and beams with similar
   * prefixes drew the same noise; and one request carries one `max_tokens`, so the beam nearest
   * its budget capped every other beam's step. Seeds are the run's base plus the index of the
   * call's first sample in the run, so no two samples of a run share one. Emits `round-start`
   * and `samples-generated`.
   *
   * @param maxTokens each prefix's cap (`params.maxTokens` for all when absent).
   * @returns `outputs[i]` = the `params.n` continuations of `prefixes[i]`.
   * @throws an abort error if the signal fired (before, during or right after the calls);
   *   otherwise the first failed call's error (the others are cancelled), or
   *   InvalidUpstreamResponseError for a malformed result.
   */
  generate(
    prefixes: readonly string[],
    params: RoundParams,
    maxTokens?: readonly number[],
  ): Promise<Continuation[][]>;
  /**
   * One `verifier.score` call over a non-empty batch of non-empty paths.
   *
   * @returns one score in [0, 1] per step per path.
   * @throws an abort error if the signal fired; otherwise the verifier's error (also when there is
   *   no verifier), or InvalidUpstreamResponseError when the shape does not match the input.
   */
  score(paths: readonly (readonly string[])[]): Promise<number[][]>;
  /** Record a warning; one per code, the first message wins. */
  warn(code: SearchWarningCode, message: string): void;
  emit(event: SearchEvent): void;
  /** The method's result with the usage and warnings gathered so far. */
  finish(candidates: Candidate[]): SearchResult;
}

// Checks on every upstream answer, as module-level functions: per-call callbacks lost their
// optimised code whenever a GC found none alive, so V8 kept optimising them again.

function everyHasLength(outputs: readonly (readonly unknown[])[], n: number): boolean {
  for (const samples of outputs) if (samples.length !== n) return false;
  return true;
}

function hasEmptyPath(paths: readonly (readonly string[])[]): boolean {
  for (const path of paths) if (path.length === 0) return true;
  return false;
}

/** One finite score per step of each path. */
function scoresFitPaths(
  scores: readonly (readonly number[])[],
  paths: readonly (readonly string[])[],
): boolean {
  for (let i = 0; i < scores.length; i++) {
    const pathScores = scores[i] as readonly number[];
    if (pathScores.length !== paths[i]?.length) return false;
    for (const score of pathScores) if (!Number.isFinite(score)) return false;
  }
  return true;
}

function clampScores(scores: readonly number[]): number[] {
  const clamped: number[] = [];
  for (const score of scores) clamped.push(Math.min(1, Math.max(0, score)));
  return clamped;
}

/**
 * The round's calls, one prefix each, at once. When one fails the others are cancelled (their
 * answers could not be used) and the first failure is thrown.
 */
async function generateAll(
  policy: SearchDeps['policy'],
  calls: readonly { prefix: string; sampling: SamplingParams }[],
  signal: AbortSignal | undefined,
): Promise<GenerateResult[]> {
  if (calls.length === 1) {
    const [call] = calls as [{ prefix: string; sampling: SamplingParams }];
    return [await policy.generate([call.prefix], call.sampling, signal)];
  }
  // One controller that follows the request's signal, not `AbortSignal.any` (its weak
  // references and registration cost more: docs/performance.md, "One abort signal per search").
  const siblings = new AbortController();
  // Every call of the round (up to N/M of them) listens on it, some more than once (the
  // transport, the context budget): past node's default of 10 that printed a leak warning each
  // round of a large search.
  setMaxListeners(0, siblings.signal);
  const onAbort = (): void => siblings.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await Promise.all(
      calls.map((call) => policy.generate([call.prefix], call.sampling, siblings.signal)),
    );
  } catch (error) {
    siblings.abort(error);
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/** Seeds sent upstream stay within a signed 32-bit integer, which every backend accepts. */
const SEED_RANGE = 2 ** 31;

export function createSearchRun(options: SearchOptions, deps: SearchDeps): SearchRun {
  const usage: SearchUsage = {
    policyCalls: 0,
    prmCalls: 0,
    rounds: 0,
    generations: 0,
    policyPromptTokens: 0,
    policyCompletionTokens: 0,
    prmPromptTokens: 0,
    prmCachedTokens: 0,
  };
  const warnings: SearchWarning[] = [];
  const { signal } = deps;

  // The run's base seed: the request's, else one draw of the injected random source (so a seeded
  // `random` replays a run). Sample k of the run (counted over all calls) samples with base + k.
  // The base is brought into the seed range first: a request seed near 2^53 plus a sample index
  // would lose precision, and two calls could share a seed.
  let baseSeed: number | null =
    options.seed === undefined ? null : ((options.seed % SEED_RANGE) + SEED_RANGE) % SEED_RANGE;
  const seedAt = (sampleIndex: number): number => {
    baseSeed ??= Math.floor(deps.random() * SEED_RANGE);
    return (baseSeed + sampleIndex) % SEED_RANGE;
  };

  // Anything thrown once the signal fired is reported as the abort, so callers can cancel cleanly.
  const rethrow = (error: unknown): never => {
    if (isAbortError(error)) throw error;
    throwIfAborted(signal);
    throw error;
  };

  const emit = (event: SearchEvent): void => deps.onEvent?.(event);
  const warn = (code: SearchWarningCode, message: string): void => {
    if (!warnings.some((warning) => warning.code === code)) warnings.push({ code, message });
  };

  // `round` is a data property the run updates, not a getter: a getter defined in this literal is a
  // new closure per run, and V8 then kept each request alive through scavenges (measured:
  // docs/performance.md#what-a-scavenge-keeps).
  const run: Omit<SearchRun, 'round'> & { round: number } = {
    options,
    deps,
    round: 0,

    async generate(prefixes, params, maxTokens) {
      throwIfAborted(signal);
      usage.rounds += 1;
      run.round = usage.rounds;
      usage.policyCalls += prefixes.length;
      const firstSample = usage.generations;
      usage.generations += prefixes.length * params.n;
      emit({
        type: 'round-start',
        round: usage.rounds,
        activePaths: prefixes.length,
        requested: prefixes.length * params.n,
      });
      // Seeds and caps are fixed before any call goes out, in prefix order: a run replays.
      const calls: { prefix: string; sampling: SamplingParams }[] = [];
      for (let i = 0; i < prefixes.length; i++) {
        calls.push({
          prefix: prefixes[i] as string,
          sampling: {
            ...params,
            maxTokens: maxTokens?.[i] ?? params.maxTokens,
            seed: seedAt(firstSample + i * params.n),
          },
        });
      }
      let results;
      try {
        results = await generateAll(deps.policy, calls, signal);
      } catch (error) {
        return rethrow(error);
      }
      throwIfAborted(signal);
      const outputs: Continuation[][] = [];
      for (const result of results) {
        usage.policyPromptTokens += result.promptTokens;
        usage.policyCompletionTokens += result.completionTokens;
        outputs.push(...result.outputs);
      }
      const isWellFormed = outputs.length === prefixes.length && everyHasLength(outputs, params.n);
      if (!isWellFormed) {
        throw new InvalidUpstreamResponseError(
          'policy',
          `expected ${params.n} continuation(s) for each of ${prefixes.length} prefix(es)`,
        );
      }
      emit({ type: 'samples-generated', count: prefixes.length * params.n });
      return outputs;
    },

    async score(paths) {
      const { verifier } = deps;
      if (verifier === null) throw new TtsError('no verifier is configured');
      if (paths.length === 0 || hasEmptyPath(paths)) {
        throw new TtsError('internal: the verifier must never receive an empty batch or path');
      }
      throwIfAborted(signal);
      let result;
      try {
        result = await verifier.score(deps.question, paths, signal);
      } catch (error) {
        // The upstream calls the failed score made (a verifier reports them on its error), else 1.
        usage.prmCalls += takeUpstreamCallsFrom(error, usage) ?? 1;
        return rethrow(error);
      }
      throwIfAborted(signal);
      usage.prmCalls += result.calls;
      usage.prmPromptTokens += result.promptTokens;
      usage.prmCachedTokens += result.cachedTokens;
      const isWellFormed =
        result.scores.length === paths.length && scoresFitPaths(result.scores, paths);
      if (!isWellFormed) {
        throw new InvalidUpstreamResponseError(
          'prm',
          'the number of step scores does not match the number of steps',
        );
      }
      if (result.truncatedPaths.length > 0) {
        warn(
          'prm-input-truncated',
          `${result.truncatedPaths.length} path(s) were shortened to fit the PRM context (earliest steps left out, then the question's start; their scores stand at the mean of the scored steps)`,
        );
      }
      // Scores are probabilities; clamp rounding noise so aggregation stays within [0, 1].
      return result.scores.map(clampScores);
    },

    warn,
    emit,

    finish(candidates) {
      return { candidates, usage: { ...usage }, warnings: [...warnings] };
    },
  };
  return run;
}

/** URLs, IPv4 and bracketed IPv6 addresses (with a port): what must not reach clients. */
const ADDRESS =
  /\bhttps?:\/\/[^\s'"]+|\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b|\[[0-9a-f:.]+\](?::\d+)?/gi;

/**
 * A short description of a failure for warnings (name and message, never a stack). Warnings
 * reach clients (`tts.warnings`), so upstream addresses are masked.
 */
export function describeError(error: unknown): string {
  // Our own errors say what happened in their message; a class name (`UpstreamError: …`) would
  // only show clients the proxy's internals. Anything else is unexpected: its name helps.
  const text =
    error instanceof TtsError
      ? error.message
      : error instanceof Error
        ? `${error.name}: ${error.message}`
        : String(error);
  return text.replace(ADDRESS, '[upstream]');
}
