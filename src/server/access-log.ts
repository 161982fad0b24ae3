/**
 * The access log and the per-request id, as one middleware: one pino line per request when its
 * response is done (method, path without the query, status, duration, request id), and `x-request-id` on every
 * response (the client's own id when it is well-formed, else a fresh UUID).
 *
 * Why not pino-http: it builds a child logger and serialises the whole request and response
 * (headers, through a redaction pass) for every request, which was ~10% of the proxy's CPU on
 * a plain chat passthrough. This line carries no headers at all, so there is nothing to redact.
 * Its fields are known, so the line is formatted here, byte for byte as pino would write it, and
 * handed to the logger's own stream (`accessLineWriter`); a logger set up with anything that
 * changes lines (mixins, formatters, hooks, redaction, a nested key) logs through pino instead.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import pino, { type Logger } from 'pino';

export interface AccessLogOptions {
  logger: Logger;
  /** Paths logged at debug instead of info (health probes and scrapes would flood the log). */
  quietPaths?: readonly string[];
  /** Headers every response carries (set here to save a middleware layer). */
  headers?: Readonly<Record<string, string>>;
  now?: () => number;
}

interface AccessLine {
  reqId: string;
  method: string;
  url: string;
  status: number;
  durationMs: number;
  /** The connection closed before the response was complete (client gone, or a failed stream). */
  aborted?: boolean;
}

/** A client-chosen id is echoed only when it is short and plain, so it cannot inject log text. */
const CLIENT_ID = /^[\w.:-]{1,128}$/;

/** A request target without its query string. */
export function pathOf(url: string): string {
  const cut = url.indexOf('?');
  return cut < 0 ? url : url.slice(0, cut);
}

/** The request id of a response (set by the access log before any handler runs). */
export function requestIdOf(response: ServerResponse): string | undefined {
  const id = response.getHeader('x-request-id');
  return typeof id === 'string' ? id : undefined;
}

const LEVELS = { debug: 20, info: 30, error: 50 } as const;
type AccessLevel = keyof typeof LEVELS;

/** Writes one access line; null when this logger's lines must go through pino itself. */
type LineWriter = (level: AccessLevel, line: AccessLine) => void;

/**
 * A writer that formats the access line as pino's `logger[level](line, 'request completed')`
 * would (level, time, the logger's bindings, the fields in order, the message), or null when the
 * logger changes lines in a way this does not reproduce.
 */
export function accessLineWriter(logger: Logger): LineWriter | null {
  const symbols = pino.symbols;
  const fields = logger as unknown as Record<symbol, unknown>;
  const stream = fields[symbols.streamSym] as { write(line: string): unknown } | undefined;
  const formatters = fields[symbols.formattersSym] as { log?: unknown } | undefined;
  const hooks = fields[symbols.hooksSym] as { streamWrite?: unknown } | undefined;
  const stringifiers = fields[symbols.stringifiersSym] as object | undefined;
  const levelCache = fields[symbols.lsCacheSym] as Record<number, string> | undefined;
  const time = fields[symbols.timeSym] as (() => string) | undefined;
  const chindings = fields[symbols.chindingsSym];
  const end = fields[symbols.endSym];
  if (
    stream === undefined ||
    typeof stream.write !== 'function' ||
    (stream as Record<symbol, unknown>)[symbols.needsMetadataGsym] === true ||
    fields[symbols.mixinSym] !== undefined ||
    fields[(symbols as unknown as Record<string, symbol>).msgPrefixSym as symbol] !== undefined ||
    fields[symbols.nestedKeySym] !== null ||
    fields[symbols.messageKeySym] !== 'msg' ||
    formatters?.log !== undefined ||
    hooks?.streamWrite !== undefined ||
    stringifiers === undefined ||
    Reflect.ownKeys(stringifiers).length > 0 ||
    levelCache === undefined ||
    typeof time !== 'function' ||
    typeof chindings !== 'string' ||
    typeof end !== 'string'
  )
    return null;
  const boundTime = time.bind(logger);
  return (level, line) => {
    // Field order as pino writes them: level, time, bindings, the line's own keys, the message.
    stream.write(
      `${levelCache[LEVELS[level]] ?? ''}${boundTime()}${chindings},"reqId":${JSON.stringify(line.reqId)},"method":${JSON.stringify(line.method)},"url":${JSON.stringify(line.url)},"status":${line.status},"durationMs":${line.durationMs}${line.aborted === true ? ',"aborted":true' : ''},"msg":"request completed"${end}`,
    );
  };
}

export function createAccessLog(options: AccessLogOptions) {
  const { logger } = options;
  const now = options.now ?? (() => performance.now());
  const quiet = new Set(options.quietPaths ?? []);
  const headers = Object.entries(options.headers ?? {});
  const writeLine =
    accessLineWriter(logger) ??
    ((level: AccessLevel, line: AccessLine) => logger[level](line, 'request completed'));
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
      const level: AccessLevel = quiet.has(url)
        ? 'debug'
        : response.statusCode >= 500
          ? 'error'
          : 'info';
      if (!logger.isLevelEnabled(level)) return;
      const line: AccessLine = {
        reqId: id,
        method: request.method ?? '',
        url,
        status: response.statusCode,
        durationMs: Math.round((now() - started) * 1000) / 1000,
      };
      if (!response.writableFinished) line.aborted = true;
      writeLine(level, line);
    });
    next?.();
  };
}
