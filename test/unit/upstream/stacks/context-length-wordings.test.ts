/**
 * The context-overflow answers of the non-vLLM stacks, verbatim from their source, must read as
 * context-length errors (so the client gets 400 `context_length_exceeded` and the context budget
 * may recount), and near-misses must not.
 */
import { UpstreamError } from '../../../../src/errors';
import { describeUpstreamErrorBody } from '../../../../src/upstream';

interface Case {
  stack: string;
  source: string;
  status: number;
  body: unknown;
}

const CASES: Case[] = [
  {
    stack: 'SGLang, prompt alone too long',
    // tokenizer_manager.py `_validate_one_request` (f"The input ({input_token_num} tokens) is longer
    // than the model's context length ({self.context_len} tokens)."), sent by http_server.py
    // `_create_error_response` as {"error": {"message"}} with 400; test_request_length_validation.py @0d607cf3.
    source: 'sgl-project/sglang tokenizer_manager.py',
    status: 400,
    body: {
      error: {
        message: "The input (9000 tokens) is longer than the model's context length (8192 tokens).",
      },
    },
  },
  {
    stack: 'SGLang, prompt + max_new_tokens too long',
    source: 'sgl-project/sglang tokenizer_manager.py',
    status: 400,
    body: {
      error: {
        message:
          "Requested token count exceeds the model's maximum context length of 4096 tokens. You requested a total of 8230 tokens: 38 tokens from the input messages and 8192 tokens for the completion. Please reduce the number of tokens in the input messages or the completion to fit within the limit.",
      },
    },
  },
  {
    stack: 'SGLang OpenAI route (flat ErrorResponse)',
    source: 'sgl-project/sglang entrypoints/openai/protocol.py ErrorResponse @004c82e0',
    status: 400,
    body: {
      object: 'error',
      message: "The input (9000 tokens) is longer than the model's context length (8192 tokens).",
      type: 'BadRequestError',
      param: null,
      code: 400,
    },
  },
  {
    stack: 'TGI, inputs over --max-input-tokens',
    // router/src/validation.rs @db931fcf:1001 `#[error("`inputs` must have less than {0} tokens.
    // Given: {1}")]`, wrapped as "Input validation error: …", 422 (server.rs:2409).
    source: 'huggingface/text-generation-inference router/src/validation.rs @db931fcf',
    status: 422,
    body: {
      error: 'Input validation error: `inputs` must have less than 4095 tokens. Given: 5000',
      error_type: 'validation',
    },
  },
  {
    stack: 'TGI, inputs + max_new_tokens over --max-total-tokens',
    source: 'huggingface/text-generation-inference router/src/validation.rs @db931fcf:999',
    status: 422,
    body: {
      error:
        'Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096. Given: 3500 `inputs` tokens and 1024 `max_new_tokens`',
      error_type: 'validation',
    },
  },
];

function errorOf(status: number, body: unknown): UpstreamError {
  const text = JSON.stringify(body);
  return new UpstreamError(`upstream 'u' answered ${status}: ${describeUpstreamErrorBody(text)}`, {
    upstream: 'u',
    status,
    body: text,
  });
}

describe('context-length wordings of SGLang and TGI', () => {
  it.each(CASES)('$stack reads as a context-length error ($source)', ({ status, body }) => {
    expect(errorOf(status, body).isContextLength).toBe(true);
  });

  it.each([
    [
      'SGLang max_tokens bound',
      400,
      { error: { message: 'max_new_tokens must be at least 0, got -1.' } },
    ],
    [
      'TGI temperature bound',
      422,
      {
        error: 'Input validation error: `temperature` must be strictly positive',
        error_type: 'validation',
      },
    ],
    [
      'TGI empty inputs',
      422,
      { error: 'Input validation error: `inputs` cannot be empty', error_type: 'validation' },
    ],
  ])('%s does not', (_name, status, body) => {
    expect(errorOf(status, body).isContextLength).toBe(false);
  });
});
