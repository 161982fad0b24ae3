/**
 * `upstreams.<name>.replay`: an `UpstreamClient` that answers from a recording
 * (record-upstream.ts) and contacts no server, so a recorded GPU run can be tested, demoed and
 * A/B'd offline through the real proxy code.
 *
 * - Matching: by method, path and the canonical JSON of the request body (keys sorted). Identical
 *   requests get the recorded answers of that request in recorded order; when they run out they
 *   start again from the first (cycling), so startup probes, repeated demo requests and health
 *   checks never exhaust a recording. Matching by body, not by position, keeps concurrent calls
 *   (beams, PRM batches) independent of scheduling.
 * - A request that was never recorded fails at once with an UpstreamError (status 502) naming
 *   the recording, not a hang: it means the run differs from the recorded one (another config,
 *   seed or request order).
 * - Recorded errors are replayed as the same error classes; recorded streams as the same chunks.
 * - Probes answer 200: a recording is always available.
 */
import { readFileSync } from 'node:fs';
import { ConfigError, UpstreamError, UpstreamTimeoutError } from '../../errors';
import { recordedExchangeSchema, type RecordedExchange } from './recording-wire';
import { bodyOfChunks, scanJson, type AbortSource } from '../../util';
import type { UpstreamClient, UpstreamStream } from './upstream-client';

export interface ReplayUpstreamOptions {
  /** Logical upstream name (config key). */
  name: string;
  /** Absolute path of the recording. */
  file: string;
  /** Config path of the `replay` field, named in load errors. */
  field: string;
}

interface Queue {
  entries: RecordedExchange[];
  next: number;
}

// A reserved TLD never resolves, so the /v1 passthrough answers 502 instead of reaching a server.
const REPLAY_BASE_URL = 'http://replay.invalid';

/** JSON with object keys sorted at every level: equal values, equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value))
    return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    const fields = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
    return `{${fields.join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function exchangeKey(method: string, path: string, body: unknown): string {
  return `${method} ${path} ${canonicalJson(body)}`;
}

function parseRecording(options: ReplayUpstreamOptions): RecordedExchange[] {
  let text: string;
  try {
    text = readFileSync(options.file, 'utf8');
  } catch (error) {
    throw new ConfigError(
      options.field,
      `cannot read recording ${options.file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  const exchanges: RecordedExchange[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new ConfigError(
        options.field,
        `recording ${options.file} line ${index + 1} is not JSON`,
      );
    }
    const parsed = recordedExchangeSchema.safeParse(json);
    if (!parsed.success)
      throw new ConfigError(
        options.field,
        `recording ${options.file} line ${index + 1}: ${parsed.error.issues[0]?.message ?? 'invalid exchange'}`,
      );
    exchanges.push(parsed.data);
  });
  if (exchanges.length === 0)
    throw new ConfigError(options.field, `recording ${options.file} holds no exchanges`);
  // A file shared by several upstreams replays this upstream's lines; a file of one upstream
  // replays under any name (so a renamed upstream can still use it).
  const names = new Set(exchanges.map((exchange) => exchange.upstream));
  if (names.size === 1) return exchanges;
  const own = exchanges.filter((exchange) => exchange.upstream === options.name);
  if (own.length === 0)
    throw new ConfigError(
      options.field,
      `recording ${options.file} holds upstreams ${[...names].join(', ')}, none named '${options.name}'`,
    );
  return own;
}

export function createReplayUpstream(options: ReplayUpstreamOptions): UpstreamClient {
  const queues = new Map<string, Queue>();
  const perRoute = new Map<string, number>();
  for (const exchange of parseRecording(options)) {
    const key = exchangeKey(exchange.method, exchange.path, exchange.request);
    const queue = queues.get(key) ?? { entries: [], next: 0 };
    queue.entries.push(exchange);
    queues.set(key, queue);
    const route = `${exchange.method} ${exchange.path}`;
    perRoute.set(route, (perRoute.get(route) ?? 0) + 1);
  }

  function take(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    signal: AbortSource | undefined,
  ): RecordedExchange {
    if (signal?.aborted) {
      const error = new Error('aborted');
      error.name = 'AbortError';
      throw error;
    }
    const queue = queues.get(exchangeKey(method, path, body));
    const exchange = queue?.entries[queue.next % queue.entries.length];
    if (!queue || !exchange) {
      const recorded = perRoute.get(`${method} ${path}`) ?? 0;
      throw new UpstreamError(
        `upstream '${options.name}' replays ${options.file}, which has no ${method} ${path} with this body (${recorded} recorded for that route): ` +
          "a replay needs the recorded run's requests (same config, seeds and request order)",
        { upstream: options.name, status: 502 },
      );
    }
    queue.next++;
    if (exchange.error) {
      if (exchange.error.kind === 'timeout')
        throw new UpstreamTimeoutError(options.name, exchange.error.timeout_ms ?? 0);
      throw new UpstreamError(exchange.error.message, {
        upstream: options.name,
        status: exchange.status,
        body: exchange.error.body,
      });
    }
    return exchange;
  }

  return {
    name: options.name,
    baseUrl: REPLAY_BASE_URL,
    // Copies: the same recorded answer may be served again (cycling) and callers may mutate it.
    postJson: async (path, body, signal) =>
      structuredClone(take('POST', path, body, signal).response ?? null),
    postJsonWithHeaders: async (path, body, _headerNames, signal) => {
      const exchange = take('POST', path, body, signal);
      return {
        body: structuredClone(exchange.response ?? null),
        headers: { ...exchange.response_headers },
      };
    },
    getJson: async (path, signal) =>
      structuredClone(take('GET', path, null, signal).response ?? null),
    postJsonBytes: async (path, body, signal) => {
      const bytes = Buffer.from(
        JSON.stringify(take('POST', path, body.value, signal).response ?? null),
      );
      return { bytes, scan: scanJson(bytes, Number.MAX_SAFE_INTEGER) };
    },
    postStreamBytes: async (path, body, signal) => replayStream(path, body.value, signal),
    probe: async () => 200,
    postStream: async (path, body, signal) => replayStream(path, body, signal),
    close: async () => undefined,
  };

  function replayStream(
    path: string,
    body: unknown,
    signal: AbortSource | undefined,
  ): UpstreamStream {
    const exchange = take('POST', path, body, signal);
    const chunks = exchange.stream ?? [JSON.stringify(exchange.response ?? null)];
    return {
      statusCode: exchange.status ?? 200,
      headers: { 'content-type': exchange.stream ? 'text/event-stream' : 'application/json' },
      body: bodyOfChunks(chunks.map((chunk) => Buffer.from(chunk, 'utf8'))),
    };
  }
}
