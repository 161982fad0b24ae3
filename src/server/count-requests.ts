/**
 * Every response counted once, when it closes, in `tts_proxy_requests_total{route,model,strategy,
 * status}` and `tts_proxy_request_duration_seconds{route,strategy}`, whatever its route and however
 * it ended: the chat route names its model and strategy (`labelRequest`), and everything else is
 * counted by its route alone — refusals before a route ran (invalid JSON, 413, 401, 429), the /v1
 * passthrough, /v1/models, the operator routes and 404s. Before, only chat answers that got as far
 * as the pipeline were counted, so an error-rate panel never saw a refused request.
 *
 * Labels stay bounded: a route is one of a fixed set or an allow-listed passthrough route, the
 * model only a configured one (chat, once resolved) or empty, a status a number or `aborted` (the
 * connection closed before the response was complete: client gone, or a broken stream).
 */
import type { ServerResponse } from 'node:http';
import type { Metrics, RequestSeries } from './metrics';
import { pathOf } from './access-log';
import { wasDelivered } from './stall-cut';
import { normaliseTarget, type RouteAllowList } from './passthrough/passthrough-routes';

/** The `route` and `strategy` labels of a request the chat route did not label. */
export interface RouteLabels {
  /**
   * `chat_completions`, `models`, `health`, `livez`, `metrics`, an allow-listed passthrough route
   * (`completions`, `audio_transcriptions`, ...) or `unknown`; never the raw path.
   */
  route: string;
  /** `passthrough` for the /v1 passthrough's routes, else empty. */
  strategy: string;
}

const FIXED_ROUTES: ReadonlyMap<string, string> = new Map([
  ['/v1/chat/completions', 'chat_completions'],
  ['/v1/models', 'models'],
  ['/health', 'health'],
  ['/livez', 'livez'],
  ['/metrics', 'metrics'],
]);

export function routeLabelsOf(
  method: string,
  url: string,
  passthroughRoutes: RouteAllowList | null,
): RouteLabels {
  const path = pathOf(url);
  // Express matches routes case-insensitively and with a trailing slash.
  const key = (path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path).toLowerCase();
  const fixed = FIXED_ROUTES.get(key);
  if (fixed !== undefined) return { route: fixed, strategy: '' };
  if (passthroughRoutes === null || !key.startsWith('/v1/')) return UNKNOWN;
  let normalised: string;
  try {
    normalised = normaliseTarget(path).path;
  } catch {
    return UNKNOWN;
  }
  return passthroughRoutes.check(method, normalised) === 'allowed'
    ? { route: normalised.slice('/v1/'.length).replace(/\//g, '_'), strategy: 'passthrough' }
    : UNKNOWN;
}

const UNKNOWN: RouteLabels = { route: 'unknown', strategy: '' };

/** The response's series, when its route named one (read back by the counter at close). */
const SERIES = Symbol('requestSeries');
type Labelled = ServerResponse & { [SERIES]?: RequestSeries };

/** The chat route's labels for this response (model and strategy), once it knows them. */
export function labelRequest(response: ServerResponse, series: RequestSeries): void {
  (response as Labelled)[SERIES] = series;
}

/** What the access log calls when a response closes (src/server/access-log.ts `onDone`). */
export function createRequestCounter(metrics: Metrics, passthroughRoutes: RouteAllowList | null) {
  return function countRequest(
    method: string,
    url: string,
    response: ServerResponse,
    durationMs: number,
  ): void {
    let series = (response as Labelled)[SERIES];
    if (series === undefined) {
      const { route, strategy } = routeLabelsOf(method, url, passthroughRoutes);
      series = metrics.requestSeries(route, '', strategy);
    }
    series.record(wasDelivered(response) ? response.statusCode : 'aborted', durationMs / 1000);
  };
}
