import type { ServerResponse } from 'node:http';
import {
  createRequestCounter,
  labelRequest,
  routeLabelsOf,
} from '../../../src/server/count-requests';
import { createMetrics } from '../../../src/server/metrics';
import {
  createRouteAllowList,
  DEFAULT_PASSTHROUGH_ROUTES,
} from '../../../src/server/passthrough/passthrough-routes';

const ROUTES = createRouteAllowList(DEFAULT_PASSTHROUGH_ROUTES);

/** What the counter reads of a response: whether it finished, and its status. */
function closedResponse(statusCode: number, writableFinished = true): ServerResponse {
  return { statusCode, writableFinished } as unknown as ServerResponse;
}

describe('routeLabelsOf', () => {
  it('names the fixed routes in every spelling Express routes to them', () => {
    for (const url of [
      '/v1/chat/completions',
      '/v1/chat/completions/',
      '/V1/Chat/Completions',
      '/v1/chat/completions?api_key=secret',
    ])
      expect(routeLabelsOf('POST', url, ROUTES)).toEqual({
        route: 'chat_completions',
        strategy: '',
      });
    expect(routeLabelsOf('GET', '/v1/models', ROUTES)).toEqual({ route: 'models', strategy: '' });
    expect(routeLabelsOf('GET', '/health', ROUTES)).toEqual({ route: 'health', strategy: '' });
    expect(routeLabelsOf('GET', '/metrics', null)).toEqual({ route: 'metrics', strategy: '' });
  });

  it('names an allow-listed passthrough route by its path under /v1, and only that', () => {
    expect(routeLabelsOf('POST', '/v1/completions', ROUTES)).toEqual({
      route: 'completions',
      strategy: 'passthrough',
    });
    expect(routeLabelsOf('POST', '/v1/audio/transcriptions?x=1', ROUTES)).toEqual({
      route: 'audio_transcriptions',
      strategy: 'passthrough',
    });
    // Not allowed: another method, another path, a path the passthrough refuses, no passthrough.
    for (const [method, url, routes] of [
      ['GET', '/v1/completions', ROUTES],
      ['POST', '/v1/fine_tuning/jobs', ROUTES],
      ['POST', '/v1/%2e%2e/metrics', ROUTES],
      ['POST', '/v1/completions', null],
      ['GET', '/', ROUTES],
      ['GET', '*', ROUTES],
    ] as const)
      expect(routeLabelsOf(method, url, routes)).toEqual({ route: 'unknown', strategy: '' });
  });
});

describe('createRequestCounter', () => {
  it("counts a labelled response with the route's labels, anything else by its route", async () => {
    const metrics = createMetrics();
    const count = createRequestCounter(metrics, ROUTES);
    const chat = closedResponse(200);
    labelRequest(chat, metrics.requestSeries('chat_completions', 'm', 'best_of_n'));
    count('POST', '/v1/chat/completions', chat, 12);
    count('POST', '/v1/chat/completions', closedResponse(400), 1);
    count('POST', '/v1/completions', closedResponse(200), 3);
    count('GET', '/nowhere', closedResponse(404), 0.5);
    const text = await metrics.registry.metrics();
    for (const line of [
      'tts_proxy_requests_total{route="chat_completions",model="m",strategy="best_of_n",status="200"} 1',
      'tts_proxy_requests_total{route="chat_completions",model="",strategy="",status="400"} 1',
      'tts_proxy_requests_total{route="completions",model="",strategy="passthrough",status="200"} 1',
      'tts_proxy_requests_total{route="unknown",model="",strategy="",status="404"} 1',
      'tts_proxy_request_duration_seconds_sum{route="chat_completions",strategy="best_of_n"} 0.012',
    ])
      expect(text).toContain(line);
  });

  it('counts a response that closed before it was complete as aborted', async () => {
    const metrics = createMetrics();
    createRequestCounter(metrics, null)('GET', '/v1/models', closedResponse(200, false), 2);
    expect(await metrics.registry.metrics()).toContain(
      'tts_proxy_requests_total{route="models",model="",strategy="",status="aborted"} 1',
    );
  });
});
