/**
 * The `Policy` over Hugging Face Text Generation Inference (TGI), through native `POST /generate`.
 *
 * - TGI returns one sequence per request ("TGI doesn't return more than one choice", TGI #1806),
 *   so P prefixes × n samples become P·n requests (bounded by `maxConcurrency`), each with its own
 *   seed (`seed + sample`).
 * - Sampling: temperature 0 means greedy, i.e. `do_sample: false` and no temperature (TGI requires
 *   a strictly positive temperature); `top_p` is sent only below 1 (TGI validates 0 < top_p < 1).
 * - Whether `generated_text` includes the matched stop sequence is not verified (research note
 *   §4.3), so both are handled: a text already ending with a stop string is kept; otherwise the
 *   stop is re-appended (the only one requested, or the one the generated tokens end with).
 * - Accounting: `details.generated_tokens` per sample; prompt tokens once per prefix from the
 *   `x-prompt-tokens` response header of its first sample (TGI ≥ 1.4.0 sets it on every /generate
 *   answer, router/src/server.rs @db931fcf). Not from `details.prefill`: flash models leave it
 *   empty unless TGI runs with `--enable-prefill-logprobs` (docs/upstream-apis.md#tgi), and asking
 *   for it (`decoder_input_details`) makes a server that has it compute prompt logprobs we never
 *   read. A client without headers (a replayed recording of an older run) falls back to a prefill
 *   the server sent anyway, else counts 0.
 *   TGI limits stop sequences per request (`--max-stop-sequences`, 4 by default).
 */
import { InvalidUpstreamResponseError } from '../../errors';
import type { Continuation, GenerateResult, Policy, SamplingParams } from '../../tts';
import type { UpstreamClient } from '../transport/upstream-client';
import { fanOut } from './fan-out';
import { endingStop, includeStop } from './include-stop';
import { parseUpstreamBody } from '../transport/parse-upstream-body';
import { tgiGenerateResponseSchema, type TgiGenerateOutputWire } from './tgi-wire';

export interface TgiPolicyOptions {
  client: UpstreamClient;
  /** The conversation rendered once (generation prompt included); each prefix is appended to it. */
  renderedPrompt: string;
  /** Requests in flight at once for one `generate` call. */
  maxConcurrency: number;
}

/** The stop sequence TGI matched, when its text does not show it. */
function matchedStop(
  wire: TgiGenerateOutputWire,
  stops: readonly string[],
  upstream: string,
): string {
  if (stops.length === 1 && stops[0]) return stops[0];
  const generated = (wire.details.tokens ?? []).map((token) => token.text).join('');
  const fromTokens = endingStop(generated, stops);
  if (fromTokens !== null) return fromTokens;
  throw new InvalidUpstreamResponseError(
    upstream,
    '/generate: stopped on a stop sequence but neither the text nor the tokens show which',
  );
}

function toContinuation(
  wire: TgiGenerateOutputWire,
  stops: readonly string[],
  upstream: string,
): Continuation {
  const completionTokens = wire.details.generated_tokens;
  switch (wire.details.finish_reason) {
    case 'stop_sequence': {
      const kept = endingStop(wire.generated_text, stops);
      const text =
        kept !== null
          ? wire.generated_text
          : includeStop(wire.generated_text, matchedStop(wire, stops, upstream));
      return { text, finish: 'stop-sequence', completionTokens };
    }
    case 'eos_token':
      return { text: wire.generated_text, finish: 'eos', completionTokens };
    default:
      return { text: wire.generated_text, finish: 'length', completionTokens };
  }
}

/** TGI's count of the prompt's tokens (router `generate_internal`: the validated input length). */
const PROMPT_TOKENS_HEADER = 'x-prompt-tokens';

function parametersFor(params: SamplingParams, sample: number): Record<string, unknown> {
  const isGreedy = params.temperature <= 0;
  const parameters: Record<string, unknown> = {
    max_new_tokens: params.maxTokens,
    do_sample: !isGreedy,
    details: true,
    // TGI's generated_text never repeats the prompt with false; some builds default it to true.
    return_full_text: false,
  };
  if (!isGreedy) parameters.temperature = params.temperature;
  if (!isGreedy && params.topP < 1) parameters.top_p = params.topP;
  if (params.stop.length > 0) parameters.stop = params.stop;
  if (params.seed !== undefined) parameters.seed = params.seed + sample;
  return parameters;
}

/** The prompt's tokens: the header when the server sent it, else a prefill it sent anyway. */
function promptTokensOf(headers: Record<string, string>, wire: TgiGenerateOutputWire): number {
  const header = headers[PROMPT_TOKENS_HEADER];
  const counted = header === undefined ? Number.NaN : Number(header);
  if (Number.isInteger(counted) && counted >= 0) return counted;
  return wire.details.prefill?.length ?? 0;
}

export function createTgiPolicy(options: TgiPolicyOptions): Policy {
  const { client } = options;
  return {
    async generate(prefixes, params, signal): Promise<GenerateResult> {
      const jobs = prefixes.flatMap((prefix, prefixIndex) =>
        Array.from({ length: params.n }, (_, sample) => ({ prefix, prefixIndex, sample })),
      );
      const responses = await fanOut(
        jobs,
        async (job, _index, jobSignal) => {
          const body = {
            inputs: options.renderedPrompt + job.prefix,
            parameters: parametersFor(params, job.sample),
          };
          // Headers only for the sample whose prompt is counted.
          const answer =
            job.sample === 0 && client.postJsonWithHeaders
              ? await client.postJsonWithHeaders(
                  '/generate',
                  body,
                  [PROMPT_TOKENS_HEADER],
                  jobSignal,
                )
              : { body: await client.postJson('/generate', body, jobSignal), headers: {} };
          const parsed = parseUpstreamBody(
            tgiGenerateResponseSchema,
            answer.body,
            client.name,
            '/generate',
          );
          const wire = Array.isArray(parsed) ? parsed[0] : parsed;
          return { wire, promptTokens: promptTokensOf(answer.headers, wire) };
        },
        { concurrency: options.maxConcurrency, ...(signal ? { signal } : {}) },
      );
      const outputs: Continuation[][] = prefixes.map(() => []);
      let promptTokens = 0;
      let completionTokens = 0;
      responses.forEach(({ wire, promptTokens: counted }, k) => {
        const job = jobs[k];
        if (!job) return;
        if (job.sample === 0) promptTokens += counted;
        const continuation = toContinuation(wire, params.stop, client.name);
        completionTokens += continuation.completionTokens;
        outputs[job.prefixIndex]?.push(continuation);
      });
      return { outputs, promptTokens, completionTokens };
    },
  };
}
