/**
 * A fake llama.cpp `llama-server`, written from its README (docs/upstream-apis.md (llama.cpp server)):
 * - `POST /completion {prompt, n_predict, stop, cache_prompt, seed, …}` → `{content, stop_type:
 *   none|eos|limit|word, stopping_word, tokens_predicted, tokens_evaluated, tokens_cached,
 *   truncated, timings}`; stop words are NOT included in `content`. One sample per request (there
 *   is no `n`). `legacy: true` answers with the older booleans `stopped_eos` / `stopped_word` /
 *   `stopped_limit` instead of `stop_type`.
 * - `POST /apply-template {"messages"}` → `{"prompt"}`; `POST /tokenize {"content"}` → `{"tokens"}`.
 * Errors: `{"error": {"code", "message", "type"}}`.
 */
import {
  bodyOf,
  startFakeServer,
  type FakeReply,
  type FakeServer,
  type RecordedRequest,
} from './fake-http-server';
import { toyChatTemplate, toyContinue, toyTokens, withoutStop } from './toy-generator';

export interface LlamaCppFakeOptions {
  legacy?: boolean;
  /**
   * Context of one slot (`-c / -np`), reported by `GET /props` as
   * `default_generation_settings.n_ctx`. A prompt that does not fit is a 400
   * `exceed_context_size_error`; generation stops (`limit`) where the slot is full
   * (tools/server/server.cpp, ggml-org/llama.cpp#17767).
   */
  nCtxSlot?: number;
}

function completion(request: RecordedRequest, options: LlamaCppFakeOptions): FakeReply {
  const body = bodyOf(request);
  const prompt = String(body.prompt);
  const promptTokens = toyTokens(prompt);
  const slot = options.nCtxSlot;
  if (slot !== undefined && promptTokens >= slot)
    return {
      status: 400,
      body: {
        error: {
          code: 400,
          message: `the request exceeds the available context size (${slot} tokens), try increasing it`,
          type: 'exceed_context_size_error',
        },
      },
    };
  const requested = typeof body.n_predict === 'number' ? body.n_predict : -1;
  const room = slot === undefined ? -1 : slot - promptTokens;
  const nPredict = room < 0 ? requested : requested < 0 ? room : Math.min(requested, room);
  const stops = Array.isArray(body.stop) ? (body.stop as string[]) : [];
  const sample = typeof body.seed === 'number' ? body.seed : 0;
  const output = toyContinue(prompt, sample, nPredict, stops);
  const stopType = output.kind === 'stop' ? 'word' : output.kind === 'eos' ? 'eos' : 'limit';
  const reason = options.legacy
    ? {
        stopped_eos: stopType === 'eos',
        stopped_word: stopType === 'word',
        stopped_limit: stopType === 'limit',
      }
    : { stop_type: stopType };
  return {
    body: {
      index: 0,
      content: withoutStop(output),
      tokens: [],
      id_slot: 0,
      ...reason,
      stopping_word: output.matchedStop ?? '',
      tokens_predicted: output.completionTokens,
      tokens_evaluated: toyTokens(prompt),
      tokens_cached: 0,
      truncated: false,
      timings: { prompt_n: toyTokens(prompt), predicted_n: output.completionTokens },
    },
  };
}

export function startLlamaCppFake(options: LlamaCppFakeOptions = {}): Promise<FakeServer> {
  return startFakeServer((request) => {
    const body = bodyOf(request);
    if (request.path === '/completion') return completion(request, options);
    if (request.path === '/props' && options.nCtxSlot !== undefined)
      return { body: { default_generation_settings: { n_ctx: options.nCtxSlot }, total_slots: 1 } };
    if (request.path === '/apply-template') {
      return {
        body: { prompt: toyChatTemplate(body.messages as { role: string; content: string }[]) },
      };
    }
    if (request.path === '/tokenize')
      return {
        body: { tokens: Array.from({ length: toyTokens(String(body.content)) }, (_, i) => i) },
      };
    return {
      status: 404,
      body: { error: { code: 404, message: 'File Not Found', type: 'not_found_error' } },
    };
  });
}
