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
    expect(flat).toMatchObject({
      status: 400,
      body: { error: { message: 'max_tokens too large', type: 'BadRequestError', code: '400' } },
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
