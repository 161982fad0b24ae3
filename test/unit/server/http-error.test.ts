import {
  AuthenticationError,
  DeadlineError,
  InvalidRequestError,
  InvalidUpstreamResponseError,
  ModelNotFoundError,
  OverloadedError,
  RateLimitError,
  UnsupportedFeatureError,
  UpstreamError,
  UpstreamTimeoutError,
} from '../../../src/errors';
import { toHttpError } from '../../../src/server';

describe('toHttpError', () => {
  const cases: [unknown, number, string][] = [
    [new InvalidRequestError('bad', 'messages'), 400, 'invalid_request_error'],
    [new UnsupportedFeatureError('no prm', 'tts_strategy'), 400, 'invalid_request_error'],
    [new AuthenticationError('no key'), 401, 'authentication_error'],
    [new ModelNotFoundError('x'), 404, 'invalid_request_error'],
    [new OverloadedError('busy', 3), 429, 'rate_limit_error'],
    [new RateLimitError('slow down', 2), 429, 'requests'],
    [new UpstreamTimeoutError('policy', 1000), 504, 'server_error'],
    [new UpstreamError('boom', { upstream: 'policy', status: 500 }), 502, 'server_error'],
    [new UpstreamError('busy', { upstream: 'policy', status: 503 }), 503, 'server_error'],
    [new UpstreamError('unreachable', { upstream: 'policy', status: null }), 503, 'server_error'],
    [new InvalidUpstreamResponseError('prm', 'wrong count'), 502, 'server_error'],
    [{ type: 'entity.too.large', status: 413 }, 413, 'invalid_request_error'],
    [{ type: 'entity.parse.failed', status: 400 }, 400, 'invalid_request_error'],
  ];
  it.each(cases)('maps %p to its status and type', (error, status, type) => {
    const mapped = toHttpError(error);
    expect(mapped.status).toBe(status);
    expect(mapped.body.error.type).toBe(type);
    expect(Object.keys(mapped.body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
    expect(mapped.isUnexpected).toBe(false);
  });

  it('answers an unreachable or unavailable upstream with 503 and a time to retry, as the passthrough does', () => {
    const unreachable = toHttpError(
      new UpstreamError("upstream 'policy' is unreachable (ECONNREFUSED)", {
        upstream: 'policy',
        status: null,
      }),
    );
    expect([unreachable.status, unreachable.body.error.code, unreachable.headers]).toEqual([
      503,
      'upstream_unavailable',
      { 'retry-after': '1' },
    ]);
    const unavailable = toHttpError(
      new UpstreamError('busy', { upstream: 'policy', status: 503, retryAfterMs: 4500 }),
    );
    expect(unavailable.headers).toEqual({ 'retry-after': '5' });
  });

  it("relays an upstream 400 (e.g. context too long) as the client's 400", () => {
    const mapped = toHttpError(
      new UpstreamError("upstream 'policy' answered 400: too many tokens", {
        upstream: 'policy',
        status: 400,
      }),
    );
    expect(mapped.status).toBe(400);
    expect(mapped.body.error.message).toContain('too many tokens');
    expect(mapped.body.error.code).toBe('upstream_rejected');
    // A context overflow gets OpenAI's code, whichever path met it (TTS says the same).
    const overflow = toHttpError(
      new UpstreamError(
        "upstream 'policy' answered 400: This model's maximum context length is 4096 tokens. However, you requested 5000 tokens.",
        { upstream: 'policy', status: 400 },
      ),
    );
    expect(overflow.body.error).toMatchObject({
      code: 'context_length_exceeded',
      param: 'messages',
      type: 'invalid_request_error',
    });
  });

  it('never leaks the message or stack of an unexpected error', () => {
    const mapped = toHttpError(new TypeError('secret internal detail'));
    expect(mapped.status).toBe(500);
    expect(mapped.isUnexpected).toBe(true);
    expect(JSON.stringify(mapped.body)).not.toContain('secret');
  });

  it('sends Retry-After on overload and x-should-retry false on client errors', () => {
    expect(toHttpError(new OverloadedError('busy', 7)).headers['retry-after']).toBe('7');
    expect(toHttpError(new RateLimitError('slow down', 30)).headers['retry-after']).toBe('30');
    expect(toHttpError(new InvalidRequestError('bad')).headers['x-should-retry']).toBe('false');
    // The client's own deadline: a retry would run the whole search into it again.
    const deadline = toHttpError(new DeadlineError(1000, true));
    expect(deadline.status).toBe(504);
    expect(deadline.headers['x-should-retry']).toBe('false');
    // ...and a warning in the access log, not an error line: the limit was the client's.
    expect(deadline.isClientsOwnLimit).toBe(true);
    // The server's default deadline running out is the operator's to hear about: an error line.
    const serverDefault = toHttpError(new DeadlineError(300_000, false));
    expect(serverDefault.status).toBe(504);
    expect(serverDefault.body.error.code).toBe('deadline_exceeded');
    expect(serverDefault.body.error.message).toMatch(/server's default of 300000 ms/);
    expect(serverDefault.isClientsOwnLimit).toBeUndefined();
    expect(toHttpError(new UpstreamTimeoutError('policy', 1000)).isClientsOwnLimit).toBeUndefined();
  });
});
