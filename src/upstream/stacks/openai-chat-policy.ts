/**
 * The `Policy` over any OpenAI-compatible chat endpoint (a hosted API, or a server whose raw
 * completion route is not reachable), through `POST /v1/chat/completions`.
 *
 * Whole solutions only. A chat endpoint cannot reliably continue a partial assistant message (no
 * `continue_final_message` on hosted APIs; re-templating drops trailing "\n\n" elsewhere), and it
 * cuts stop strings without saying which one matched ("The returned text will not contain the
 * stop sequence"), so a step boundary cannot be told from EOS. `generate` therefore serves the
 * whole-solution methods (CoT, majority vote, Best-of-N: `generate([''], {stop: []})`) and throws
 * `UnsupportedFeatureError` for a non-empty prefix or a stop string (beam search, DVTS), which
 * `backend-capabilities.ts` also refuses up front with a 400.
 *
 * `n`: sent natively; with `nativeN: 'auto'` (default) a server that rejects `n > 1` (llama.cpp:
 * 500 "Only one completion choice is allowed", or 400 "n_cmpl cannot be greater than the number
 * of slots" above `-np`) or ignores it (TGI returns one choice) is detected on
 * the first call, and the missing samples are fanned out as `n = 1` requests from then on. Only an
 * error that names `n` means that: any other 400/422 (a context overflow, a bad parameter) is the
 * real failure and is reported as such.
 *
 * Sampling: `temperature`, `top_p` and the neutral frequency penalty are sent (OpenAI's API takes
 * no top_k, min_p or repetition_penalty). Hosted reasoning models (o-series, gpt-5) reject some of
 * them outright ("Unsupported parameter: 'top_p'", "Only the default (1) value is supported");
 * such a field is dropped, the call retried, and the omission reported through `samplingNotes` so
 * the response's `tts.warnings` says what ran unpinned. Two TGI rules (TGI's Messages API,
 * huggingface/text-generation-inference @db931fcf, review 26 stacks H1):
 * - it refuses `top_p: 1` with a 422 ("`top_p` must be > 0.0 and < 1.0", router/src/validation.rs
 *   `validate`), while an absent `top_p` is 1.0 there: the field is dropped for TGI with nothing
 *   to report, since what runs is the preset;
 * - it reads `presence_penalty` as `repetition_penalty = presence_penalty + 2.0`
 *   (router/src/lib.rs `try_into_generate`), so the neutral 0 would sample with a heavy 2.0
 *   penalty. A zero presence penalty is therefore never sent: 0 is what OpenAI, vLLM (whose
 *   generation-config defaults do not include it: config `get_diff_sampling_param`), llama.cpp
 *   and SGLang use for an absent one.
 */
import { UnsupportedFeatureError, UpstreamError } from '../../errors';
import type {
  Continuation,
  ContinuationFinish,
  GenerateResult,
  Policy,
  SamplingParams,
} from '../../tts';
import { PINNED_SAMPLING } from '../../prompt';
import type { UpstreamClient } from '../transport/upstream-client';
import type { PolicyMessage } from '../../contracts';
import { splitTokens } from '../split-tokens';
import { fanOut } from './fan-out';
import { openAiChatResponseSchema } from './openai-chat-wire';
import { expectContinuationCount, parseUpstreamBody } from '../transport/parse-upstream-body';

export interface OpenAiChatPolicyOptions {
  client: UpstreamClient;
  /** `model` sent upstream. */
  servedName: string;
  /** The conversation (system prompt and user turns); the endpoint applies its own template. */
  messages: readonly PolicyMessage[];
  /** `true`: always send `n`; `false`: always fan out; `'auto'` (default): detect on first use. */
  nativeN?: boolean | 'auto';
  /** Requests in flight at once when fanning out. */
  maxConcurrency: number;
  /**
   * Name of the token cap: `max_tokens` (default; understood by vLLM, SGLang, llama.cpp, TGI and
   * OpenAI's non-reasoning models) or `max_completion_tokens` (OpenAI's current name, required by
   * its reasoning models).
   */
  maxTokensField?: 'max_tokens' | 'max_completion_tokens';
}

const ROUTE = '/v1/chat/completions';

interface ChatBatch {
  continuations: Continuation[];
  promptTokens: number;
  completionTokens: number;
}

function toFinish(reason: string | null): ContinuationFinish {
  if (reason === 'stop' || reason === 'tool_calls' || reason === 'function_call') return 'eos';
  // 'length', 'content_filter' and a missing reason: the text did not end on its own.
  return 'length';
}

/**
 * Whether an upstream error means "this server does not do n > 1" rather than a real failure.
 * llama-server: older builds throw "Only one completion choice is allowed", answered as 500
 * `server_error` by the route wrapper (server.cpp `ex_wrapper`; not retried, retry-rule.ts); current
 * ones take `n` as `n_cmpl` but refuse more than the slots with a 400 "n_cmpl cannot be greater
 * than the number of slots, please increase -np" (tools/server/server-task.cpp @00efb3e1
 * `params_from_json_cmpl`). Elsewhere a 400/422 that names `n`.
 */
function rejectsN(error: unknown): boolean {
  if (!(error instanceof UpstreamError)) return false;
  const text = `${error.message} ${error.body}`;
  if (error.status === 500) return /only one completion choice is allowed/i.test(text);
  if (error.status !== 400 && error.status !== 422) return false;
  return /only one completion choice|n_cmpl cannot be greater than the number of slots|['"`]n['"`]|\bn\b (must|should) be 1|\bn\b.{0,20}(not supported|unsupported)/i.test(
    text,
  );
}

/** Sampling fields a hosted model may refuse; dropped one by one when it says so. */
const OPTIONAL_SAMPLING_FIELDS = [
  'temperature',
  'top_p',
  'presence_penalty',
  'frequency_penalty',
] as const;
type OptionalSamplingField = (typeof OPTIONAL_SAMPLING_FIELDS)[number];

/** TGI's refusal of `top_p: 1` (router/src/validation.rs @db931fcf, `ValidationError::TopP`). */
const TOP_P_BELOW_ONE = /`top_p` must be > 0\.0 and < 1\.0/;

/**
 * Upstreams that refused `top_p: 1` as TGI does: it is left out of every later call to them (a
 * property of the server, learned once, not of one conversation).
 */
const REFUSES_TOP_P_OF_ONE = new Set<string>();
/** The server behind a client (a request's client is its own lane object: not a stable key). */
const serverOf = (client: UpstreamClient): string => `${client.name} ${client.baseUrl}`;

/** Whether a 400/422 is TGI refusing `top_p: 1`, which it runs as 1.0 when the field is absent. */
function refusesTopPOfOne(error: unknown): boolean {
  return (
    error instanceof UpstreamError &&
    (error.status === 400 || error.status === 422) &&
    TOP_P_BELOW_ONE.test(`${error.message} ${error.body}`)
  );
}

/** The sampling field a 400/422 refuses (OpenAI: "Unsupported parameter: 'top_p'" / "Unsupported value: 'temperature'"), if any. */
function rejectedSamplingField(error: unknown): OptionalSamplingField | null {
  if (!(error instanceof UpstreamError)) return null;
  if (error.status !== 400 && error.status !== 422) return null;
  const text = `${error.message} ${error.body}`;
  if (!/unsupported|not supported|unrecognized|does not support|only the default/i.test(text))
    return null;
  return (
    OPTIONAL_SAMPLING_FIELDS.find(
      (field) => text.includes(`'${field}'`) || text.includes(`"${field}"`),
    ) ?? null
  );
}

/** A chat policy that also says which sampling fields the endpoint would not take. */
export interface OpenAiChatPolicy extends Policy {
  samplingNotes(): readonly string[];
}

export function createOpenAiChatPolicy(options: OpenAiChatPolicyOptions): OpenAiChatPolicy {
  const { client } = options;
  const mode = options.nativeN ?? 'auto';
  // Learned once per policy (one conversation): a server that refused n is not asked again.
  let fansOut = mode === false;
  // Fields this endpoint refused: not sent again, reported in samplingNotes.
  const refused = new Set<OptionalSamplingField>();

  const samplingNotes = (): string[] =>
    [...refused].map(
      (field) =>
        `upstream '${client.name}' (model ${options.servedName}) does not accept ${field}: it was omitted, so the endpoint's own value ran instead of the preset's`,
    );

  async function request(
    n: number,
    params: SamplingParams,
    seed: number | undefined,
    signal?: AbortSignal,
  ): Promise<ChatBatch> {
    const sampling: Record<OptionalSamplingField, number> = {
      temperature: params.temperature,
      top_p: params.topP,
      presence_penalty: PINNED_SAMPLING.presencePenalty,
      frequency_penalty: PINNED_SAMPLING.frequencyPenalty,
    };
    let raw: unknown;
    for (;;) {
      const body: Record<string, unknown> = {
        model: options.servedName,
        messages: options.messages,
        n,
        [options.maxTokensField ?? 'max_tokens']: params.maxTokens,
      };
      for (const field of OPTIONAL_SAMPLING_FIELDS)
        if (!refused.has(field)) body[field] = sampling[field];
      // Never a neutral presence penalty: TGI would sample with repetition_penalty 2.0 (above).
      if (sampling.presence_penalty === 0) delete body.presence_penalty;
      if (sampling.top_p >= 1 && REFUSES_TOP_P_OF_ONE.has(serverOf(client))) delete body.top_p;
      if (seed !== undefined) body.seed = seed;
      try {
        raw = await client.postJson(ROUTE, body, signal);
        break;
      } catch (error) {
        if ('top_p' in body && sampling.top_p >= 1 && refusesTopPOfOne(error)) {
          REFUSES_TOP_P_OF_ONE.add(serverOf(client));
          continue;
        }
        const field = rejectedSamplingField(error);
        if (field === null || refused.has(field)) throw error;
        refused.add(field);
      }
    }
    const parsed = parseUpstreamBody(openAiChatResponseSchema, raw, client.name, ROUTE);
    const choices = [...parsed.choices].sort((a, b) => a.index - b.index);
    const texts = choices.map((choice) => choice.message.content ?? '');
    const total = parsed.usage?.completion_tokens ?? null;
    const counts = splitTokens(total, texts);
    return {
      continuations: choices.map((choice, k) => ({
        text: texts[k] ?? '',
        finish: toFinish(choice.finish_reason),
        completionTokens: counts[k] ?? 0,
      })),
      promptTokens: parsed.usage?.prompt_tokens ?? 0,
      completionTokens: total ?? counts.reduce((sum, count) => sum + count, 0),
    };
  }

  /** `count` samples as `n = 1` requests; the shared prompt is counted once, as on vLLM. */
  async function fanOutSamples(
    count: number,
    firstSample: number,
    params: SamplingParams,
    signal?: AbortSignal,
  ): Promise<ChatBatch> {
    const samples = Array.from({ length: count }, (_, k) => firstSample + k);
    const batches = await fanOut(
      samples,
      (sample, _index, jobSignal) =>
        request(1, params, params.seed === undefined ? undefined : params.seed + sample, jobSignal),
      {
        concurrency: options.maxConcurrency,
        ...(signal ? { signal } : {}),
      },
    );
    return {
      continuations: batches.flatMap((batch) => batch.continuations.slice(0, 1)),
      promptTokens: batches[0]?.promptTokens ?? 0,
      completionTokens: batches.reduce(
        (sum, batch) => sum + (batch.continuations[0]?.completionTokens ?? 0),
        0,
      ),
    };
  }

  async function sample(params: SamplingParams, signal?: AbortSignal): Promise<ChatBatch> {
    if (fansOut || params.n === 1) return fanOutSamples(params.n, 0, params, signal);
    let batch: ChatBatch;
    try {
      batch = await request(params.n, params, params.seed, signal);
    } catch (error) {
      if (mode !== 'auto' || !rejectsN(error)) throw error;
      fansOut = true;
      return fanOutSamples(params.n, 0, params, signal);
    }
    const received = batch.continuations.length;
    if (received >= params.n || mode !== 'auto') return batch;
    // The server ignored n: keep what came back and fetch the rest one by one from now on.
    fansOut = true;
    const rest = await fanOutSamples(params.n - received, received, params, signal);
    return {
      continuations: [...batch.continuations, ...rest.continuations],
      promptTokens: batch.promptTokens,
      completionTokens: batch.completionTokens + rest.completionTokens,
    };
  }

  return {
    samplingNotes,
    async generate(prefixes, params, signal): Promise<GenerateResult> {
      if (prefixes.some((prefix) => prefix !== '')) {
        throw new UnsupportedFeatureError(
          'openai-chat backends cannot continue a partial solution, so step-wise search (beam_search, dvts) is unavailable; use best_of_n or majority.',
          'tts_strategy',
        );
      }
      if (params.stop.length > 0) {
        throw new UnsupportedFeatureError(
          'openai-chat backends do not report which stop string ended a sample, so step-wise search (beam_search, dvts) is unavailable; use best_of_n or majority.',
          'tts_strategy',
        );
      }
      // Every prefix is the same empty answer: one batch of samples serves them all.
      const batches: ChatBatch[] = [];
      for (let i = 0; i < prefixes.length; i++) batches.push(await sample(params, signal));
      const outputs = batches.map((batch) => batch.continuations);
      outputs.forEach((continuations) =>
        expectContinuationCount(client.name, ROUTE, params.n, continuations.length),
      );
      return {
        outputs,
        promptTokens: batches.reduce((sum, batch) => sum + batch.promptTokens, 0),
        completionTokens: batches.reduce((sum, batch) => sum + batch.completionTokens, 0),
      };
    },
  };
}
