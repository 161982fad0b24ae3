/**
 * The `Policy` over an SGLang server (`python -m sglang.launch_server`).
 *
 * Route choice. The chat prompt is rendered ONCE (by the caller, see `renderedPrompt`) and every
 * prefix is continued as raw text, never re-templated: SGLang's `/v1/chat/completions` with
 * `continue_final_message` re-renders the conversation at every step through the chat template,
 * where trailing "\n\n" of the partial answer can be stripped (transformers #34214/#34253,
 * docs/upstream-apis.md (vLLM)), and it carries one conversation per request. Raw prompts keep the
 * prefixes byte-stable, so RadixAttention reuses the KV cache across beams and rounds, and one
 * request carries every beam and sample (`text` list, one entry per sample).
 *
 * Seeds: sample j of every prompt samples with seed + j, as on vLLM, never SGLang's own `n`
 * (which gives all n copies one seed). SGLang honours seeds only when launched with
 * `--enable-deterministic-inference` (docs/advanced_features/deterministic_inference.md
 * @376a46ea); otherwise it samples with `torch.multinomial` and runs are not reproducible, and
 * builds from before that flag refuse the `sampling_seed` field: it is sent only to a server that
 * says the flag is on (`sendsSeed`).
 *
 * Default route `generate` (native `/generate`): each output reports its own `prompt_tokens`,
 * `completion_tokens` and `finish_reason {type, matched}` (a string = stop string, a number = stop
 * token, i.e. EOS), so accounting is exact. Route `completions` (`/v1/completions`, for deployments
 * that expose only the OpenAI routes): `matched_stop` instead of vLLM's `stop_reason`, usage only
 * as call totals. Both send `no_stop_trim: true` (SGLang's `include_stop_str_in_output`) and still
 * re-append a stop string a server trimmed anyway (older builds). SGLang error bodies (flat
 * `{"object":"error",…}` on the OpenAI routes) are normalised by the upstream client.
 */
import type {
  Continuation,
  ContinuationFinish,
  GenerateResult,
  Policy,
  SamplingParams,
} from '../../tts';
import { PINNED_SAMPLING } from '../../prompt';
import type { UpstreamClient } from '../transport/upstream-client';
import { splitTokens } from '../split-tokens';
import { fanOut } from './fan-out';
import { includeStop } from './include-stop';
import { expectContinuationCount, parseUpstreamBody } from '../transport/parse-upstream-body';
import {
  sglangCompletionResponseSchema,
  sglangGenerateResponseSchema,
  type SglangGenerateOutputWire,
} from './sglang-wire';

export interface SglangPolicyOptions {
  client: UpstreamClient;
  /** Model id for `/v1/completions` (`--served-model-name`); `/generate` serves the one model. */
  servedName: string;
  /** The conversation rendered once, generation prompt included; each prefix is appended to it. */
  renderedPrompt: string;
  /** `generate` (default, native) or `completions` (OpenAI route). */
  route?: 'generate' | 'completions';
  /**
   * Send `sampling_seed` on `/generate` (default true): only to a server launched with
   * `--enable-deterministic-inference` (create-stack-model-backend.ts `askSeedsHonoured`).
   */
  sendsSeed?: boolean;
}

/** SGLang's "off" for top-k; sent so a model's generation_config cannot narrow the paper's sampling. */
const TOP_K_DISABLED = -1;

function generateFinish(output: SglangGenerateOutputWire): {
  finish: ContinuationFinish;
  text: string;
} {
  const reason = output.meta_info.finish_reason;
  if (reason?.type === 'stop') {
    // A string is the stop string that matched; a number is a stop token (EOS or stop_token_ids).
    return typeof reason.matched === 'string' && reason.matched !== ''
      ? { finish: 'stop-sequence', text: includeStop(output.text, reason.matched) }
      : { finish: 'eos', text: output.text };
  }
  // 'length', and 'abort' (not an OpenAI value): the text is truncated.
  return { finish: 'length', text: output.text };
}

/** One `/v1/completions` call's continuations in index order (prompt-major), with its usage. */
interface CompletionsBatch {
  continuations: Continuation[];
  promptTokens: number;
  completionTokens: number;
}

export function createSglangPolicy(options: SglangPolicyOptions): Policy {
  const { client } = options;

  async function viaGenerate(
    prefixes: readonly string[],
    params: SamplingParams,
    signal?: AbortSignal,
  ): Promise<GenerateResult> {
    const shared: Record<string, unknown> = {
      n: 1,
      max_new_tokens: params.maxTokens,
      temperature: params.temperature,
      top_p: params.topP,
      top_k: TOP_K_DISABLED,
      // SamplingParams (python/sglang/srt/sampling/sampling_params.py @00c17caf): neutral values
      // pinned so no server-side default (e.g. model generation_config) can change them.
      min_p: PINNED_SAMPLING.minP,
      repetition_penalty: PINNED_SAMPLING.repetitionPenalty,
      presence_penalty: PINNED_SAMPLING.presencePenalty,
      frequency_penalty: PINNED_SAMPLING.frequencyPenalty,
      no_stop_trim: true,
      skip_special_tokens: true,
    };
    if (params.stop.length > 0) shared.stop = params.stop;
    // SGLang's own `n` gives every copy of a prompt the request's one `sampling_seed`
    // (io_struct.py @001067ff `_normalize_sampling_params` replicates the dict), and with
    // --enable-deterministic-inference the same seed draws the same tokens: n identical samples.
    // So each sample is its own batch entry (n = 1) with its own seed, seed + j as vLLM seeds
    // child j; `sampling_params` may be a list aligned with `text` (GenerateReqInput). The
    // copies of a prompt still share its KV cache (RadixAttention). The native route's seed
    // field is `sampling_seed` (a `seed` key would be ignored).
    const text: string[] = [];
    const samplingParams: Record<string, unknown>[] = [];
    for (const prefix of prefixes) {
      for (let sample = 0; sample < params.n; sample++) {
        text.push(options.renderedPrompt + prefix);
        samplingParams.push(
          params.seed === undefined || options.sendsSeed === false
            ? shared
            : { ...shared, sampling_seed: params.seed + sample },
        );
      }
    }
    const parsed = parseUpstreamBody(
      sglangGenerateResponseSchema,
      await client.postJson('/generate', { text, sampling_params: samplingParams }, signal),
      client.name,
      '/generate',
    );
    const outputs = Array.isArray(parsed) ? parsed : [parsed];
    expectContinuationCount(client.name, '/generate', text.length, outputs.length);
    // A batch answers in `text` order, so output k is prompt ⌊k/n⌋, sample k mod n.
    let promptTokens = 0;
    let completionTokens = 0;
    const grouped = prefixes.map((_, i) => {
      const group = outputs.slice(i * params.n, (i + 1) * params.n);
      promptTokens += group[0]?.meta_info.prompt_tokens ?? 0;
      return group.map((output): Continuation => {
        completionTokens += output.meta_info.completion_tokens;
        return { ...generateFinish(output), completionTokens: output.meta_info.completion_tokens };
      });
    });
    return { outputs: grouped, promptTokens, completionTokens };
  }

  /** One `/v1/completions` call: every prompt with `n` samples under one `seed`. */
  async function completionsCall(
    prompts: readonly string[],
    n: number,
    seed: number | undefined,
    params: SamplingParams,
    signal?: AbortSignal,
  ): Promise<CompletionsBatch> {
    const body: Record<string, unknown> = {
      model: options.servedName,
      prompt: prompts,
      n,
      temperature: params.temperature,
      top_p: params.topP,
      top_k: TOP_K_DISABLED,
      min_p: PINNED_SAMPLING.minP,
      repetition_penalty: PINNED_SAMPLING.repetitionPenalty,
      presence_penalty: PINNED_SAMPLING.presencePenalty,
      frequency_penalty: PINNED_SAMPLING.frequencyPenalty,
      max_tokens: params.maxTokens,
      no_stop_trim: true,
      skip_special_tokens: true,
    };
    if (params.stop.length > 0) body.stop = params.stop;
    if (seed !== undefined) body.seed = seed;
    const parsed = parseUpstreamBody(
      sglangCompletionResponseSchema,
      await client.postJson('/v1/completions', body, signal),
      client.name,
      '/v1/completions',
    );
    const choices = [...parsed.choices].sort((a, b) => a.index - b.index);
    expectContinuationCount(client.name, '/v1/completions', prompts.length * n, choices.length);
    const texts = choices.map((choice) =>
      choice.finish_reason === 'stop' && typeof choice.matched_stop === 'string'
        ? includeStop(choice.text, choice.matched_stop)
        : choice.text,
    );
    const total = parsed.usage?.completion_tokens ?? null;
    const counts = splitTokens(total, texts);
    const continuations = choices.map((choice, k): Continuation => {
      let finish: ContinuationFinish = 'length';
      if (choice.finish_reason === 'stop')
        finish = typeof choice.matched_stop === 'string' ? 'stop-sequence' : 'eos';
      return { text: texts[k] ?? '', finish, completionTokens: counts[k] ?? 0 };
    });
    return {
      continuations,
      promptTokens: parsed.usage?.prompt_tokens ?? 0,
      completionTokens: total ?? counts.reduce((sum, count) => sum + count, 0),
    };
  }

  async function viaCompletions(
    prefixes: readonly string[],
    params: SamplingParams,
    signal?: AbortSignal,
  ): Promise<GenerateResult> {
    const prompts = prefixes.map((prefix) => options.renderedPrompt + prefix);
    if (params.seed === undefined || params.n === 1) {
      const batch = await completionsCall(prompts, params.n, params.seed, params, signal);
      return {
        // Indices are prompt-major (prompt i, sample j at i·n + j), as on vLLM.
        outputs: prefixes.map((_, i) =>
          batch.continuations.slice(i * params.n, (i + 1) * params.n),
        ),
        promptTokens: batch.promptTokens,
        completionTokens: batch.completionTokens,
      };
    }
    // The OpenAI route takes one `seed` per request and passes it as every prompt's and every
    // copy's `sampling_seed` (serving_completions.py @004c82e0 `_build_sampling_params`; no
    // per-prompt sampling params): so sample j of every prompt is its own request, seed + j.
    const samples = Array.from({ length: params.n }, (_, sample) => sample);
    const batches = await fanOut(
      samples,
      (sample, _index, jobSignal) =>
        completionsCall(prompts, 1, (params.seed ?? 0) + sample, params, jobSignal),
      { concurrency: params.n, ...(signal ? { signal } : {}) },
    );
    return {
      outputs: prefixes.map((_, i) =>
        batches.map((batch) => batch.continuations[i] as Continuation),
      ),
      // Every request carries the same prompts: counted once, as vLLM counts a prompt once.
      promptTokens: batches[0]?.promptTokens ?? 0,
      completionTokens: batches.reduce((sum, batch) => sum + batch.completionTokens, 0),
    };
  }

  return {
    generate(prefixes, params, signal) {
      if (prefixes.length === 0)
        return Promise.resolve({ outputs: [], promptTokens: 0, completionTokens: 0 });
      return options.route === 'completions'
        ? viaCompletions(prefixes, params, signal)
        : viaGenerate(prefixes, params, signal);
    },
  };
}
