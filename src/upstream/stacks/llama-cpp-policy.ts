/**
 * The `Policy` over llama.cpp's `llama-server`, through its native `POST /completion`.
 *
 * - The prompt is rendered once by the server's own template (`POST /apply-template`, see
 *   `renderLlamaCppPrompt`) and each prefix is appended as raw text, so prefixes are byte-stable
 *   and `cache_prompt: true` lets a slot reuse the KV cache of the previous round.
 * - P prefixes × n samples become P·n requests (bounded by `maxConcurrency`, which should match
 *   the server's `--parallel` slots), each with its own seed (`seed + sample`, as vLLM derives
 *   child seeds). Older servers have no `n` on `/completion` (and refuse it on the OpenAI routes);
 *   current ones take `n` / `n_cmpl` up to the slot count (tools/server/server-task.cpp @00efb3e1
 *   `params_from_json_cmpl`), which would share the prompt's prefill; not used (yet): how it seeds
 *   each child is unverified, and older servers would need the fan-out anyway.
 * - Every sampler the server would otherwise take from its command line is pinned neutral
 *   (`params_from_json_cmpl` starts from `params_base.sampling`), so a server launched with, say,
 *   `--mirostat 2` or `--dry-multiplier 0.8` cannot change the paper's sampling.
 * - `stop: []` (a whole solution) makes the server fall back to its `-r/--reverse-prompt`
 *   (`if (params.antiprompt.empty()) params.antiprompt = defaults.antiprompt;`, same function):
 *   launch llama-server without `-r`, or whole solutions are cut at that string.
 * - Stop words are cut from `content` ("These words will not be included in the completion");
 *   the matched `stopping_word` is re-appended so the contract's "text includes the stop" holds.
 * - Accounting as on vLLM: completion tokens per sample (`tokens_predicted`), prompt tokens once
 *   per prefix (`tokens_evaluated` of its first sample), not once per fanned-out request.
 */
import { InvalidUpstreamResponseError } from '../../errors';
import type {
  Continuation,
  ContinuationFinish,
  GenerateResult,
  Policy,
  SamplingParams,
} from '../../tts';
import { PINNED_SAMPLING } from '../../prompt';
import type { UpstreamClient } from '../transport/upstream-client';
import { fanOut } from './fan-out';
import { includeStop } from './include-stop';
import { llamaCppCompletionSchema, type LlamaCppCompletionWire } from './llama-cpp-wire';
import { parseUpstreamBody } from '../transport/parse-upstream-body';

export interface LlamaCppPolicyOptions {
  client: UpstreamClient;
  /** The conversation rendered once (`/apply-template`); each prefix is appended to it. */
  renderedPrompt: string;
  /** Requests in flight at once for one `generate` call (match `llama-server --parallel`). */
  maxConcurrency: number;
}

type StopType = 'none' | 'eos' | 'limit' | 'word';

function stopTypeOf(wire: LlamaCppCompletionWire): StopType {
  const declared = wire.stop_type;
  if (declared === 'eos' || declared === 'limit' || declared === 'word' || declared === 'none')
    return declared;
  if (wire.stopped_word === true) return 'word';
  if (wire.stopped_eos === true) return 'eos';
  if (wire.stopped_limit === true) return 'limit';
  return 'none';
}

function toContinuation(
  wire: LlamaCppCompletionWire,
  stops: readonly string[],
  upstream: string,
): Continuation {
  const stopType = stopTypeOf(wire);
  if (stopType === 'word') {
    // With one stop string the match is known even if a build leaves `stopping_word` empty.
    const matched = wire.stopping_word || (stops.length === 1 ? stops[0] : undefined);
    if (!matched)
      throw new InvalidUpstreamResponseError(
        upstream,
        '/completion: stopped on a word but sent no stopping_word',
      );
    return {
      text: includeStop(wire.content, matched),
      finish: 'stop-sequence',
      completionTokens: wire.tokens_predicted,
    };
  }
  // 'limit' = n_predict reached; 'none' = stopped for another reason (context full): truncated.
  const finish: ContinuationFinish = stopType === 'eos' ? 'eos' : 'length';
  return { text: wire.content, finish, completionTokens: wire.tokens_predicted };
}

export function createLlamaCppPolicy(options: LlamaCppPolicyOptions): Policy {
  const { client } = options;
  return {
    async generate(prefixes, params: SamplingParams, signal): Promise<GenerateResult> {
      const jobs = prefixes.flatMap((prefix, prefixIndex) =>
        Array.from({ length: params.n }, (_, sample) => ({ prefix, prefixIndex, sample })),
      );
      const responses = await fanOut(
        jobs,
        async (job, _index, jobSignal) => {
          const body: Record<string, unknown> = {
            prompt: options.renderedPrompt + job.prefix,
            n_predict: params.maxTokens,
            temperature: params.temperature,
            top_p: params.topP,
            // llama-server samples with top_k 40 and min_p 0.05 unless told otherwise; the paper
            // samples with neither (top_k -1), so both are switched off explicitly.
            top_k: 0,
            min_p: PINNED_SAMPLING.minP,
            // tools/server/README.md: repeat_penalty (1.0 = off), presence/frequency penalties.
            repeat_penalty: PINNED_SAMPLING.repetitionPenalty,
            presence_penalty: PINNED_SAMPLING.presencePenalty,
            frequency_penalty: PINNED_SAMPLING.frequencyPenalty,
            // server-task.cpp @00efb3e1 `params_from_json_cmpl` field names, each at its "off"
            // value (common/common.h defaults): typical sampling, DRY, XTC, top-n-sigma, Mirostat,
            // dynamic temperature (a `--dynatemp-range` at launch would otherwise apply: review
            // 26 stacks L2).
            typical_p: 1,
            dynatemp_range: 0,
            dry_multiplier: 0,
            xtc_probability: 0,
            top_n_sigma: -1,
            mirostat: 0,
            stop: params.stop,
            cache_prompt: true,
            stream: false,
          };
          if (params.seed !== undefined) body.seed = params.seed + job.sample;
          return parseUpstreamBody(
            llamaCppCompletionSchema,
            await client.postJson('/completion', body, jobSignal),
            client.name,
            '/completion',
          );
        },
        { concurrency: options.maxConcurrency, ...(signal ? { signal } : {}) },
      );
      const outputs: Continuation[][] = prefixes.map(() => []);
      let promptTokens = 0;
      let completionTokens = 0;
      responses.forEach((wire, k) => {
        const job = jobs[k];
        if (!job) return;
        if (job.sample === 0) promptTokens += wire.tokens_evaluated;
        const continuation = toContinuation(wire, params.stop, client.name);
        completionTokens += continuation.completionTokens;
        outputs[job.prefixIndex]?.push(continuation);
      });
      return { outputs, promptTokens, completionTokens };
    },
  };
}
