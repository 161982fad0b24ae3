/**
 * The `Policy` over an SGLang server (`python -m sglang.launch_server`).
 *
 * Route choice. The chat prompt is rendered ONCE (by the caller, see `renderedPrompt`) and every
 * prefix is continued as raw text, never re-templated: SGLang's `/v1/chat/completions` with
 * `continue_final_message` re-renders the conversation at every step through the chat template,
 * where trailing "\n\n" of the partial answer can be stripped (transformers #34214/#34253,
 * docs/upstream-apis.md (vLLM)), and it carries one conversation per request. Raw prompts keep the
 * prefixes byte-stable, so RadixAttention reuses the KV cache across beams and rounds, and one
 * request carries every beam (`text` list × `sampling_params.n`).
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

export function createSglangPolicy(options: SglangPolicyOptions): Policy {
  const { client } = options;

  async function viaGenerate(
    prefixes: readonly string[],
    params: SamplingParams,
    signal?: AbortSignal,
  ): Promise<GenerateResult> {
    const samplingParams: Record<string, unknown> = {
      n: params.n,
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
    if (params.stop.length > 0) samplingParams.stop = params.stop;
    // The native route's seed field is `sampling_seed` (a `seed` key would be ignored).
    if (params.seed !== undefined) samplingParams.sampling_seed = params.seed;
    const body = {
      text: prefixes.map((prefix) => options.renderedPrompt + prefix),
      sampling_params: samplingParams,
    };
    const parsed = parseUpstreamBody(
      sglangGenerateResponseSchema,
      await client.postJson('/generate', body, signal),
      client.name,
      '/generate',
    );
    const outputs = Array.isArray(parsed) ? parsed : [parsed];
    expectContinuationCount(client.name, '/generate', prefixes.length * params.n, outputs.length);
    // Batch + n: SGLang expands prompt i into n requests in order, so output k is prompt ⌊k/n⌋.
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

  async function viaCompletions(
    prefixes: readonly string[],
    params: SamplingParams,
    signal?: AbortSignal,
  ): Promise<GenerateResult> {
    const body: Record<string, unknown> = {
      model: options.servedName,
      prompt: prefixes.map((prefix) => options.renderedPrompt + prefix),
      n: params.n,
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
    if (params.seed !== undefined) body.seed = params.seed;
    const parsed = parseUpstreamBody(
      sglangCompletionResponseSchema,
      await client.postJson('/v1/completions', body, signal),
      client.name,
      '/v1/completions',
    );
    const choices = [...parsed.choices].sort((a, b) => a.index - b.index);
    expectContinuationCount(
      client.name,
      '/v1/completions',
      prefixes.length * params.n,
      choices.length,
    );
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
      // Indices are prompt-major (prompt i, sample j at i·n + j), as on vLLM.
      outputs: prefixes.map((_, i) => continuations.slice(i * params.n, (i + 1) * params.n)),
      promptTokens: parsed.usage?.prompt_tokens ?? 0,
      completionTokens: total ?? counts.reduce((sum, count) => sum + count, 0),
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
