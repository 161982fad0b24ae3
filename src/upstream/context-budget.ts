/**
 * Context budget: every generation request fits the model. A server rejects a request whose prompt
 * tokens + `max_tokens` exceed its context length (vLLM: HTTP 400, see docs/upstream-apis.md §
 * "Context length"), so per call `max_tokens` = min(the method's cap, context − the longest
 * prompt in the call). A prefix that leaves no room is not sent: its continuations come back empty
 * with finish `length`, so the search stops that path (it is truncated) and goes on with the rest.
 * A conversation that leaves no room for even a short answer is the client's problem: a 400
 * naming the limit.
 *
 * Prompt tokens of a prefix = the rendered prompt's tokens + the tokens the prefix was generated
 * as (a ledger fed by this wrapper's own outputs: prefixes are built from earlier continuations).
 * Re-tokenizing the concatenated text can differ from the generated count by a token or so per
 * step boundary, and per-choice counts are shares of a call's total, so a margin is kept; when
 * the server still rejects the length, the prefixes are counted exactly (the stack's tokenize
 * route) and the call is retried once.
 */
import { InvalidRequestError, UpstreamError } from '../errors';
import type { Continuation, GenerateResult, Policy, SamplingParams } from '../tts';

/** Fewest new tokens a fresh answer must be allowed, below which the request is refused. */
export const MIN_ANSWER_TOKENS = 16;
/** Fewest new tokens worth asking for when continuing a path. */
const MIN_CONTINUATION_TOKENS = 1;

export interface ContextBudgetOptions {
  /** Tokens of the rendered prompt (everything before the assistant's text). */
  promptTokens: number;
  /** The model's context length (prompt + completion), or null when the stack reports none. */
  maxModelLen: number | null;
  /** Client-facing model name, for the 400. */
  modelName: string;
  /**
   * Exact tokens of the rendered prompt + `prefix`, from the stack's tokenize route; used for
   * prefixes the ledger has not seen and after the server rejected a length. Absent: estimate.
   */
  countTokens?: (prefix: string, signal?: AbortSignal) => Promise<number>;
}

/** True for the context-length rejections of vLLM (every wording since 0.6), TGI and llama.cpp. */
export function isContextLengthError(error: unknown): boolean {
  return error instanceof UpstreamError && error.isContextLength;
}

/** Tokens an unseen prefix may take at most: no byte-level BPE token is shorter than one byte. */
function upperBoundTokens(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** The 400 for a conversation that leaves no room for an answer. */
export function contextTooSmallError(
  modelName: string,
  promptTokens: number,
  maxModelLen: number,
): InvalidRequestError {
  return new InvalidRequestError(
    `This conversation is ${promptTokens} tokens after the prompt template, and model '${modelName}' has a context of ${maxModelLen} tokens (max_model_len), which leaves less than ${MIN_ANSWER_TOKENS} tokens for the answer. Shorten the messages.`,
    'messages',
    'context_length_exceeded',
  );
}

/** `contextRoom` of a bound policy (model-backend.ts): none when the context is unknown. */
export function roomAfter(
  maxModelLen: number | null,
  promptTokens: number,
): { contextRoom?: number } {
  return maxModelLen === null ? {} : { contextRoom: maxModelLen - promptTokens };
}

/** Wrap a policy so that each call's `max_tokens` fits the context of every prompt it sends. */
export function withContextBudget(inner: Policy, options: ContextBudgetOptions): Policy {
  const { maxModelLen } = options;
  if (maxModelLen === null) return inner;
  if (maxModelLen - options.promptTokens < MIN_ANSWER_TOKENS)
    throw contextTooSmallError(options.modelName, options.promptTokens, maxModelLen);
  return new ContextBudgetPolicy(inner, options, maxModelLen);
}

/** Re-tokenization drift and shared per-choice counts: keep a few tokens free. */
function margin(prefixTokens: number): number {
  return 4 + Math.ceil(prefixTokens / 50);
}

/**
 * A class rather than closures: one is made per request, and methods on the prototype keep
 * their optimised code between requests (per-request closures lost it at every GC).
 */
class ContextBudgetPolicy implements Policy {
  // Tokens of each prefix known so far (beyond the rendered prompt).
  private readonly ledger = new Map<string, number>([['', 0]]);

  constructor(
    private readonly inner: Policy,
    private readonly options: ContextBudgetOptions,
    private readonly maxModelLen: number,
  ) {}

  async generate(
    prefixes: readonly string[],
    params: SamplingParams,
    signal?: AbortSignal,
  ): Promise<GenerateResult> {
    try {
      return await this.attempt(prefixes, params, signal);
    } catch (error) {
      const count = this.options.countTokens;
      if (!isContextLengthError(error) || !count) throw error;
      // Our count was short: count every prefix of this call exactly, then try once more.
      await Promise.all(
        prefixes.map(async (prefix) => {
          this.ledger.set(prefix, (await count(prefix, signal)) - this.options.promptTokens);
        }),
      );
      return this.attempt(prefixes, params, signal);
    }
  }

  private async prefixTokens(prefix: string, signal?: AbortSignal): Promise<number> {
    const known = this.ledger.get(prefix);
    if (known !== undefined) return known;
    const { countTokens, promptTokens } = this.options;
    const counted = countTokens
      ? (await countTokens(prefix, signal)) - promptTokens
      : upperBoundTokens(prefix);
    this.ledger.set(prefix, counted);
    return counted;
  }

  private async attempt(
    prefixes: readonly string[],
    params: SamplingParams,
    signal: AbortSignal | undefined,
  ): Promise<GenerateResult> {
    const pending: Promise<number>[] = [];
    for (const prefix of prefixes) pending.push(this.prefixTokens(prefix, signal));
    const used = await Promise.all(pending);
    const free = this.maxModelLen - this.options.promptTokens;
    const room: number[] = [];
    const fitting: number[] = [];
    const outputs: Continuation[][] = [];
    for (let i = 0; i < prefixes.length; i++) {
      const tokens = used[i] ?? 0;
      const space = free - tokens - (tokens > 0 ? margin(tokens) : 0);
      room.push(space);
      if (space >= MIN_CONTINUATION_TOKENS) fitting.push(i);
      outputs.push(Array.from({ length: params.n }, emptyContinuation));
    }
    if (fitting.length === 0) return { outputs, promptTokens: 0, completionTokens: 0 };
    let maxTokens = params.maxTokens;
    const fittingPrefixes: string[] = [];
    for (const i of fitting) {
      maxTokens = Math.min(maxTokens, room[i] ?? 0);
      fittingPrefixes.push(prefixes[i] ?? '');
    }
    const result = await this.inner.generate(fittingPrefixes, { ...params, maxTokens }, signal);
    for (let k = 0; k < fitting.length; k++) {
      const prefixIndex = fitting[k] as number;
      const continuations = result.outputs[k] ?? [];
      outputs[prefixIndex] = continuations;
      const base = used[prefixIndex] ?? 0;
      const prefix = prefixes[prefixIndex] ?? '';
      // Only a continuation that stopped at a step boundary is continued (a search's next prefix);
      // one ended by EOS or a length cap never is, so it is not recorded (whole-solution sampling
      // would otherwise key the map with every full sample).
      for (const continuation of continuations)
        if (continuation.finish === 'stop-sequence')
          this.ledger.set(prefix + continuation.text, base + continuation.completionTokens);
    }
    return {
      outputs,
      promptTokens: result.promptTokens,
      completionTokens: result.completionTokens,
    };
  }
}

/** A placeholder for a prefix with no room left: empty, cut by length. */
function emptyContinuation(): Continuation {
  return { text: '', finish: 'length', completionTokens: 0 };
}
