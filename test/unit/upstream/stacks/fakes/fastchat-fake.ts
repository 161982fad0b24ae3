/**
 * A fake of the paper's FastChat workers, written from docs/paper-findings.md#the-reference-serving-stack and the workers' source
 * (OpenR `reason/llm_service/workers/vllm_worker.py`, compute-optimal-tts `reward_model_worker.py`):
 * - `POST /worker_generate {prompt, n, temperature, top_p, top_k, max_new_tokens, stop, echo,
 *   include_stop_str_in_output}` → `{text[], error_code: 0, usage, cumulative_logprob[],
 *   output_token_len[], finish_reason}`. `echo` defaults to TRUE (prompt + output),
 *   `include_stop_str_in_output` to false; EOS is a stop token, so EOS and stop strings both
 *   finish "stop"; `finish_reason` is a bare string when n = 1. Seeds are not supported.
 * - `POST /worker_reward_inference {"input_str": [...]}` → `{"reward": [[…], …]}`: one score per
 *   step marker (Math-Shepherd `ки`, Qwen `<extra_0>`, RLHFlow assistant turns).
 * - `POST /model_details` → `{"context_length": worker.context_len}` (vllm_worker.py @0ee2578:203-205).
 * - `POST /count_token {prompt}` → `{"count": len(tokenizer(prompt).input_ids), "error_code": 0}`
 *   (base_model_worker.py @0ee2578 `count_token`): here the toy tokens.
 * - Permits, as base_model_worker.py @0ee2578:186-192: each generate / reward call takes one of
 *   `--limit-worker-concurrency` (default 5, :219-224) and gives it back only when the call
 *   returns; a call that raises (anything but CUDA OOM in the reward worker, :197) is a plain
 *   500 "Internal Server Error" from uvicorn and keeps its permit. With none left a request waits
 *   for ever (here: no answer).
 */
import { bodyOf, startFakeServer, type FakeServer, type RecordedRequest } from './fake-http-server';
import { toyContinue, toyTokens, withoutStop } from './toy-generator';

export interface FastchatFakeOptions {
  /** `--limit-worker-concurrency` (default 5). */
  limitWorkerConcurrency?: number;
  /** Make the reward worker raise (e.g. an input its PRM cannot take): 500, permit leaked. */
  rewardRaises?: boolean;
  /** The worker's `context_len` (default 32768), reported by `/model_details`. */
  contextLength?: number;
  /** Drop the last score of every reward list (a worker whose marker count disagrees). */
  dropLastReward?: boolean;
}

function generate(request: RecordedRequest): unknown {
  const body = bodyOf(request);
  const prompt = String(body.prompt);
  const n = typeof body.n === 'number' ? body.n : 1;
  const maxNewTokens = typeof body.max_new_tokens === 'number' ? body.max_new_tokens : 256;
  const stops = Array.isArray(body.stop)
    ? (body.stop as string[])
    : typeof body.stop === 'string'
      ? [body.stop]
      : [];
  const echo = body.echo !== false;
  const includeStop = body.include_stop_str_in_output === true;
  const outputs = Array.from({ length: n }, (_, j) => toyContinue(prompt, j, maxNewTokens, stops));
  const reasons = outputs.map((output) => (output.kind === 'length' ? 'length' : 'stop'));
  const completionTokens = outputs.reduce((sum, output) => sum + output.completionTokens, 0);
  const promptTokens = toyTokens(prompt);
  return {
    text: outputs.map(
      (output) => (echo ? prompt : '') + (includeStop ? output.text : withoutStop(output)),
    ),
    error_code: 0,
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    },
    cumulative_logprob: outputs.map((output) => -0.5 * output.completionTokens),
    output_token_len: outputs.map((output) => output.completionTokens),
    finish_reason: n === 1 ? reasons[0] : reasons,
  };
}

/** Steps of one `input_str` entry, as the worker's infer_fn finds their markers. */
function markerCount(input: unknown): number {
  if (typeof input === 'string') return input.split('ки').length - 1;
  if (!Array.isArray(input)) return 0;
  const messages = input as { role?: unknown; content?: unknown }[];
  const assistant = messages.filter((message) => message.role === 'assistant');
  if (
    assistant.length === 1 &&
    typeof assistant[0]?.content === 'string' &&
    assistant[0].content.includes('<extra_0>')
  ) {
    return assistant[0].content.split('<extra_0>').length - 1;
  }
  return assistant.length;
}

function reward(request: RecordedRequest, options: FastchatFakeOptions): unknown {
  const inputs = bodyOf(request).input_str;
  const list = Array.isArray(inputs) ? inputs : [inputs];
  return {
    reward: list.map((input, i) => {
      const count = markerCount(input) - (options.dropLastReward ? 1 : 0);
      return Array.from({ length: Math.max(0, count) }, (_, step) =>
        Number((0.9 - 0.1 * step - 0.01 * i).toFixed(4)),
      );
    }),
  };
}

export function startFastchatFake(options: FastchatFakeOptions = {}): Promise<FakeServer> {
  let leaked = 0;
  const limit = options.limitWorkerConcurrency ?? 5;
  return startFakeServer((request) => {
    const isWorkerCall =
      request.path === '/worker_generate' || request.path === '/worker_reward_inference';
    if (isWorkerCall && leaked >= limit) return { hang: true };
    if (request.path === '/worker_generate') return { body: generate(request) };
    if (request.path === '/worker_reward_inference') {
      if (options.rewardRaises === true) {
        leaked++;
        return {
          status: 500,
          raw: 'Internal Server Error',
          headers: { 'content-type': 'text/plain' },
        };
      }
      return { body: reward(request, options) };
    }
    if (request.path === '/count_token')
      return {
        body: {
          count: toyTokens(
            typeof bodyOf(request).prompt === 'string' ? (bodyOf(request).prompt as string) : '',
          ),
          error_code: 0,
        },
      };
    if (request.path === '/model_details')
      return { body: { context_length: options.contextLength ?? 32768 } };
    return { status: 404, body: { detail: 'Not Found' } };
  });
}
