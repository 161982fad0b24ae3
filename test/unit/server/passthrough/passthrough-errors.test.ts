import { UpstreamError, UpstreamTimeoutError } from '../../../../src/errors';
import {
  mapUpstreamFailure,
  mapUpstreamStatus,
} from '../../../../src/server/passthrough/passthrough-errors';

describe('mapUpstreamStatus', () => {
  it("keeps an upstream 4xx's status and message, in OpenAI's shape, from any body shape", () => {
    const flat = mapUpstreamStatus(
      400,
      '{"object":"error","message":"max_tokens too large","type":"BadRequestError","param":null,"code":400}',
    );
    // vLLM's class name and HTTP status (ErrorInfo: `type` a class name, `code: int`) become
    // OpenAI's type and no code.
    expect(flat).toMatchObject({
      status: 400,
      body: {
        error: { message: 'max_tokens too large', type: 'invalid_request_error', code: null },
      },
    });
    expect(
      mapUpstreamStatus(422, '{"detail":[{"loc":["body"],"msg":"field required"}]}').body.error
        .message,
    ).toMatch(/field required/);
    expect(mapUpstreamStatus(404, '<html>not found</html>')).toMatchObject({
      status: 404,
      body: { error: { message: '<html>not found</html>', type: 'invalid_request_error' } },
    });
  });

  it("gives OpenAI's codes for a context overflow and an unknown model, and keeps OpenAI's own", () => {
    // The wording of vLLM's serving_engine context check (the simulator sends the same text).
    const overflow = mapUpstreamStatus(
      400,
      JSON.stringify({
        error: {
          message:
            "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens (900 in the messages, 4100 in the completion). Please reduce the length of the messages or completion.",
          type: 'BadRequestError',
          param: null,
          code: 400,
        },
      }),
    );
    expect(overflow.body.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'context_length_exceeded',
      param: 'messages',
    });
    // vLLM's renderer (vllm/renderers/params.py `TokenizeParams.__post_init__` and
    // `_token_len_check` @017638d7): the `{max_total_tokens=}` of its f-string and the missing
    // space are as the server writes them; `param` comes from its `VLLMValidationError`.
    const tooManyOutput = mapUpstreamStatus(
      400,
      JSON.stringify({
        error: {
          message:
            'max_tokens=5000cannot be greater than max_model_len=max_total_tokens=4096. Please request fewer output tokens.',
          type: 'BadRequestError',
          param: 'max_tokens',
          code: 400,
        },
      }),
    );
    expect(tooManyOutput.body.error).toMatchObject({
      code: 'context_length_exceeded',
      param: 'max_tokens',
    });
    const tooManyInput = mapUpstreamStatus(
      400,
      JSON.stringify({
        error: {
          message:
            "You passed 4100 input tokens and requested 16 output tokens. However, the model's context length is only 4096 tokens, resulting in a maximum input length of 4080 tokens. Please reduce the length of the input prompt.",
          type: 'BadRequestError',
          param: 'input_tokens',
          code: 400,
        },
      }),
    );
    expect(tooManyInput.body.error).toMatchObject({
      code: 'context_length_exceeded',
      param: 'messages',
    });
    const llamaCpp = mapUpstreamStatus(
      400,
      '{"error":{"code":400,"message":"the request exceeds the available context size, try increasing it","type":"exceed_context_size_error"}}',
    );
    expect(llamaCpp.body.error.code).toBe('context_length_exceeded');
    // vLLM V1's engine-level check (vllm/v1/engine/processor.py `_validate_model_input`).
    const engine = mapUpstreamStatus(
      400,
      '{"error":{"message":"The decoder prompt (length 5000) is longer than the maximum model length of 4096. Make sure that `max_model_len` is no smaller than the number of text tokens.","type":"BadRequestError","param":null,"code":400}}',
    );
    expect(engine.body.error.code).toBe('context_length_exceeded');
    const missing = mapUpstreamStatus(
      404,
      '{"error":{"message":"The model `nope` does not exist.","type":"NotFoundError","param":null,"code":404}}',
    );
    expect(missing.body.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'model_not_found',
      param: 'model',
    });
    // An upstream that already speaks OpenAI's types and codes keeps them.
    const openAi = mapUpstreamStatus(
      400,
      '{"error":{"message":"bad","type":"invalid_request_error","param":"stop","code":"invalid_value"}}',
    );
    expect(openAi.body.error).toEqual({
      message: 'bad',
      type: 'invalid_request_error',
      param: 'stop',
      code: 'invalid_value',
    });
  });

  it("maps the upstream's 5xx by cause and its 401/403 (our key) to 502", () => {
    expect(mapUpstreamStatus(500, 'Traceback ...').status).toBe(502);
    expect(mapUpstreamStatus(503, '').status).toBe(503);
    expect(mapUpstreamStatus(504, '').status).toBe(504);
    expect(mapUpstreamStatus(401, '{"error":"Unauthorized"}')).toMatchObject({
      status: 502,
      body: { error: { code: 'upstream_auth_failed' } },
    });
  });
});

describe('mapUpstreamFailure', () => {
  it('unreachable -> 503 with Retry-After, timeout -> 504, anything else -> 502', () => {
    const unreachable = mapUpstreamFailure(
      new UpstreamError('refused', { upstream: 'passthrough', status: null }),
    );
    expect([unreachable.status, unreachable.headers['retry-after']]).toEqual([503, '1']);
    expect(mapUpstreamFailure(new UpstreamTimeoutError('passthrough', 10)).status).toBe(504);
    expect(mapUpstreamFailure(new Error('?')).status).toBe(502);
  });
});
