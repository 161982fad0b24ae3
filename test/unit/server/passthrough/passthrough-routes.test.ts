import { InvalidRequestError } from '../../../../src/errors';
import {
  createRouteAllowList,
  DEFAULT_PASSTHROUGH_ROUTES,
  normaliseTarget,
} from '../../../../src/server/passthrough/passthrough-routes';

describe('normaliseTarget', () => {
  it('keeps a plain path and its query, and drops one trailing slash', () => {
    expect(normaliseTarget('/v1/completions?x=1')).toEqual({
      path: '/v1/completions',
      query: '?x=1',
    });
    expect(normaliseTarget('/v1/completions/')).toEqual({ path: '/v1/completions', query: '' });
    expect(normaliseTarget('/v1/audio/transcriptions')).toEqual({
      path: '/v1/audio/transcriptions',
      query: '',
    });
  });

  it.each([
    '/v1/../health',
    '/v1/%2e%2e/metrics',
    '/v1/%2E%2e/metrics',
    '/v1/./completions',
    '/v1/completions/..',
    '/v1/%2e/completions',
    '/v1/a%2fb',
    '/v1/a%5Cb',
    '/v1\\completions',
    '/v1//completions',
    '/v1/%zz',
    '/v1/a%00b',
    'v1/completions',
  ])('refuses %s', (url) => {
    expect(() => normaliseTarget(url)).toThrow(InvalidRequestError);
  });
});

describe('createRouteAllowList', () => {
  it("knows vLLM's /v1 routes by method and path, and nothing else", () => {
    const list = createRouteAllowList(DEFAULT_PASSTHROUGH_ROUTES);
    expect(list.check('POST', '/v1/completions')).toBe('allowed');
    expect(list.check('POST', '/v1/embeddings')).toBe('allowed');
    expect(list.check('GET', '/v1/completions')).toBe('method');
    expect(list.check('POST', '/v1/load_lora_adapter')).toBe('unknown');
    expect(list.check('POST', '/v1/chat/completions')).toBe('unknown');
  });
});
