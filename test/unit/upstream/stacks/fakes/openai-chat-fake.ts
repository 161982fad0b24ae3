/**
 * A fake OpenAI-compatible chat endpoint, written from the OpenAI spec (docs/upstream-apis.md (OpenAI-compatible chat APIs),
 * openai-openapi `CreateChatCompletionResponse`): `POST /v1/chat/completions {model, messages, n,
 * temperature, top_p, max_tokens|max_completion_tokens, seed}` → `chat.completion` with one
 * choice per `n` (`finish_reason` `stop` | `length`) and call-total `usage`. With a seed, sample j
 * uses seed + j. `nLimit` imitates servers without `n`: `reject` answers older llama-server's
 * 500 `{"error": {"code": 500, "message": "Only one completion choice is allowed", "type":
 * "server_error"}}` (`oaicompat_chat_params_parse` throws; tools/server/server.cpp `ex_wrapper`
 * answers any std::exception as ERROR_TYPE_SERVER); `slots` answers current llama-server above
 * its `-np` slots: 400 `invalid_request_error` "n_cmpl cannot be greater than the number of
 * slots, please increase -np" (tools/server/server-task.cpp @00efb3e1 `params_from_json_cmpl`,
 * thrown inside `handle_completions_impl`'s try); `ignore` answers one choice (TGI's Messages API).
 * `reasoningModel` answers as OpenAI's o-series / gpt-5 models do to sampling they do not take:
 * 400 "Unsupported parameter: 'top_p' is not supported with this model." and "Unsupported value:
 * 'temperature' does not support 0.7 with this model. Only the default (1) value is supported."
 * (the wordings quoted in tgpt#333, ChatALL#995 and glass#227; OpenAI publishes no source).
 * `contextLimit` answers OpenAI's context-overflow 400 (code `context_length_exceeded`) when
 * the token cap exceeds it. `tgi` is TGI's Messages API (huggingface/text-generation-inference
 * @db931fcf): `n` ignored (one choice; router/src/lib.rs `ChatRequest`, "UNUSED"), `top_p`
 * outside (0, 1) refused with 422 `{"error": "Input validation error: \`top_p\` must be > 0.0 and
 * < 1.0", "error_type": "validation"}` (router/src/validation.rs `validate`,
 * router/src/infer/mod.rs `InferError::ValidationError`, router/src/server.rs 422 mapping), and
 * `presence_penalty` read as `repetition_penalty = presence_penalty + 2.0` (router/src/lib.rs
 * `try_into_generate`), recorded in `tgiRepetitionPenalties` (the toy generator has no penalty).
 */
import {
  bodyOf,
  startFakeServer,
  type FakeReply,
  type FakeServer,
  type RecordedRequest,
} from './fake-http-server';
import { toyContinue, toyTokens } from './toy-generator';

export interface OpenAiChatFakeOptions {
  nLimit?: 'reject' | 'slots' | 'ignore';
  /** llama-server `-np` for `nLimit: 'slots'` (default 1). */
  slots?: number;
  reasoningModel?: boolean;
  contextLimit?: number;
  tgi?: boolean;
}

/** The repetition penalty each TGI-mode request sampled with (null: none). */
export const tgiRepetitionPenalties: (number | null)[] = [];

function invalid(message: string, param: string | null, code: string | null): FakeReply {
  return {
    status: 400,
    body: { error: { message, type: 'invalid_request_error', param, code } },
  };
}

/** The text the toy model continues: the conversation's contents, one per line. */
export function openAiChatPrompt(messages: readonly { content: string }[]): string {
  return messages.map((message) => message.content).join('\n');
}

function chat(request: RecordedRequest, options: OpenAiChatFakeOptions): FakeReply {
  const body = bodyOf(request);
  if (options.reasoningModel) {
    if ('top_p' in body)
      return invalid(
        "Unsupported parameter: 'top_p' is not supported with this model.",
        'top_p',
        'unsupported_parameter',
      );
    if ('temperature' in body && body.temperature !== 1)
      return invalid(
        `Unsupported value: 'temperature' does not support ${String(body.temperature)} with this model. Only the default (1) value is supported.`,
        'temperature',
        'unsupported_value',
      );
  }
  if (options.tgi) {
    const topP = body.top_p;
    if (typeof topP === 'number' && (topP <= 0 || topP >= 1))
      return {
        status: 422,
        body: {
          error: 'Input validation error: `top_p` must be > 0.0 and < 1.0',
          error_type: 'validation',
        },
      };
    tgiRepetitionPenalties.push(
      typeof body.presence_penalty === 'number' ? body.presence_penalty + 2.0 : null,
    );
  }
  const requestedCap = Number(body.max_completion_tokens ?? body.max_tokens ?? 0);
  if (options.contextLimit !== undefined && requestedCap > options.contextLimit)
    return invalid(
      `This model's maximum context length is ${options.contextLimit} tokens. However, you requested ${requestedCap} tokens. Please reduce the length of the messages or completion.`,
      'messages',
      'context_length_exceeded',
    );
  const requestedN = typeof body.n === 'number' ? body.n : 1;
  if (options.nLimit === 'reject' && requestedN !== 1) {
    return {
      status: 500,
      body: {
        error: {
          code: 500,
          message: 'Only one completion choice is allowed',
          type: 'server_error',
        },
      },
    };
  }
  if (options.nLimit === 'slots' && requestedN > (options.slots ?? 1)) {
    return {
      status: 400,
      body: {
        error: {
          code: 400,
          message: 'n_cmpl cannot be greater than the number of slots, please increase -np',
          type: 'invalid_request_error',
        },
      },
    };
  }
  const n = options.nLimit === 'ignore' || options.tgi === true ? 1 : requestedN;
  const cap =
    typeof body.max_completion_tokens === 'number'
      ? body.max_completion_tokens
      : typeof body.max_tokens === 'number'
        ? body.max_tokens
        : -1;
  const stops = Array.isArray(body.stop) ? (body.stop as string[]) : [];
  const seed = typeof body.seed === 'number' ? body.seed : 0;
  const prompt = openAiChatPrompt((body.messages ?? []) as { content: string }[]);
  const outputs = Array.from({ length: n }, (_, j) => toyContinue(prompt, seed + j, cap, stops));
  const completionTokens = outputs.reduce((sum, output) => sum + output.completionTokens, 0);
  return {
    body: {
      id: 'chatcmpl-fake',
      object: 'chat.completion',
      created: 1741569952,
      model: String(body.model),
      choices: outputs.map((output, index) => ({
        index,
        message: { role: 'assistant', content: output.text, refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: output.kind === 'length' ? 'length' : 'stop',
      })),
      usage: {
        prompt_tokens: toyTokens(prompt),
        completion_tokens: completionTokens,
        total_tokens: toyTokens(prompt) + completionTokens,
      },
    },
  };
}

export function startOpenAiChatFake(options: OpenAiChatFakeOptions = {}): Promise<FakeServer> {
  return startFakeServer((request) => {
    if (request.path === '/v1/chat/completions') return chat(request, options);
    return {
      status: 404,
      body: {
        error: { message: 'not found', type: 'invalid_request_error', param: null, code: null },
      },
    };
  });
}
