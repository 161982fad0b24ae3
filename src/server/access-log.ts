/**
 * The access log and the per-request id, as one middleware: one pino line per request when its
 * response is done (method, path without the query, status, duration, request id), and `x-request-id` on every
 * response (the client's own id when it is well-formed, else a fresh UUID). Its close listener
 * also hands each finished request to `onDone` (the request counter), one listener for both.
 *
 * Why not pino-http: it builds a child logger and serialises the whole request and response
 * (headers, through a redaction pass) for every request, which was ~10% of the proxy's CPU on
 * a plain chat passthrough. This line carries no headers at all, so there is nothing to redact.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { isCutByShutdown } from './shutdown-cut';
import { wasDelivered } from './stall-cut';

export interface AccessLogOptions {
  logger: Logger;
  /** Paths logged at debug instead of info (health probes and scrapes would flood the log). */
  quietPaths?: readonly string[];
  /** Headers every response carries (set here to save a middleware layer). */
  headers?: Readonly<Record<string, string>>;
  now?: () => number;
  /**
   * Called once per response when it closes, at any log level (the request counter,
   * ./count-requests.ts): the method, the path without its query, the response, the duration.
   */
  onDone?: (method: string, url: string, response: ServerResponse, durationMs: number) => void;
}

interface AccessLine {
  reqId: string;
  method: string;
  url: string;
  status: number;
  durationMs: number;
  /** The connection closed before the response was complete (client gone, or a failed stream). */
  aborted?: boolean;
  /**
   * Still running at the shutdown's drain deadline, so cut: `status` is what its client got (503
   * when nothing had been sent; a stream's 200, ended with an error event).
   */
  cutByShutdown?: boolean;
}

/** A client-chosen id is echoed only when it is short and plain, so it cannot inject log text. */
const CLIENT_ID = /^[\w.:-]{1,128}$/;

/** A request target without its query string. */
export function pathOf(url: string): string {
  const cut = url.indexOf('?');
  return cut < 0 ? url : url.slice(0, cut);
}

/**
 * Set on a response whose 5xx status is the client's own limit: a mark on the response itself
 * (set only on that rare path), not a module-wide weak table that would keep every response
 * through scavenges (docs/performance.md#what-a-scavenge-keeps).
 */
const CLIENTS_OWN_LIMIT = Symbol('clientsOwnLimit');
type MarkedResponse = ServerResponse & { [CLIENTS_OWN_LIMIT]?: true };

/**
 * Says that this response's 5xx is the client's own choice (its deadline ran out): the access
 * log writes it as a warning, not an error.
 */
export function markClientsOwnLimit(response: ServerResponse): void {
  (response as MarkedResponse)[CLIENTS_OWN_LIMIT] = true;
}

/** The request id of a response (set by the access log before any handler runs). */
export function requestIdOf(response: ServerResponse): string | undefined {
  const id = response.getHeader('x-request-id');
  return typeof id === 'string' ? id : undefined;
}

export function createAccessLog(options: AccessLogOptions) {
  const { logger, onDone } = options;
  const now = options.now ?? (() => performance.now());
  const quiet = new Set(options.quietPaths ?? []);
  const headers = Object.entries(options.headers ?? {});
  /** Usable as middleware; `next` is optional so a handler can log and go on in one layer. */
  return function accessLog(
    request: IncomingMessage,
    response: ServerResponse,
    next?: () => void,
  ): void {
    const started = now();
    const given = request.headers['x-request-id'];
    const id = typeof given === 'string' && CLIENT_ID.test(given) ? given : randomUUID();
    response.setHeader('x-request-id', id);
    for (const [name, value] of headers) response.setHeader(name, value);
    // Read now: a router mounted on a path (the /v1 passthrough) strips it from request.url.
    // The query string is left out: clients put keys there (`?api_key=`), and logs are shared.
    const url = pathOf(request.url ?? '');
    // 'close' fires once for every response, finished or not; a response cut short is logged too.
    response.on('close', () => {
      const durationMs = now() - started;
      try {
        onDone?.(request.method ?? '', url, response, durationMs);
      } catch (error) {
        // A throw in a 'close' listener would end the process; a lost count must not.
        logger.error({ reqId: id, err: error }, 'request count failed');
      }
      const isCut = isCutByShutdown(response);
      // A cut is an error whatever status went out (a stream's was 200).
      const level = quiet.has(url)
        ? 'debug'
        : response.statusCode < 500 && !isCut
          ? 'info'
          : (response as MarkedResponse)[CLIENTS_OWN_LIMIT] === true
            ? 'warn'
            : 'error';
      if (!logger.isLevelEnabled(level)) return;
      const line: AccessLine = {
        reqId: id,
        method: request.method ?? '',
        url,
        status: response.statusCode,
        durationMs: Math.round(durationMs * 1000) / 1000,
      };
      if (!wasDelivered(response)) line.aborted = true;
      if (isCut) line.cutByShutdown = true;
      logger[level](line, 'request completed');
    });
    next?.();
  };
}
