/**
 * `upstreams.<name>.record`: wraps a client and appends every exchange to a JSONL file (see
 * recording-wire.ts), so a short real GPU run can be replayed offline (replay-upstream.ts).
 *
 * - Append-only, one `write` per line on a file opened with O_APPEND: a crash can lose the
 *   exchange in flight but never leaves half a line behind a complete one. Writes are
 *   synchronous so the order of lines is the order exchanges finished.
 * - Recorded: method, path, request body, status, answer (or error, or stream chunks), duration,
 *   start time. Never headers or the base URL, which carry credentials.
 * - Not recorded: health probes (they would flood the file; a replay is always healthy) and
 *   calls the client aborted (there was no answer to replay).
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { UpstreamError, UpstreamTimeoutError } from '../../errors';
import { isAbortError, type StreamBody } from '../../util';
import { RECORDING_VERSION, type RecordedError, type RecordedExchange } from './recording-wire';
import {
  laneOf,
  postJsonBytesOn,
  type JsonWithHeaders,
  type UpstreamClient,
  type UpstreamStream,
} from './upstream-client';

export interface RecordingUpstreamOptions {
  client: UpstreamClient;
  /** Absolute path of the JSONL file (created with its folder; appended to). */
  file: string;
  now?: () => Date;
}

function toRecordedError(error: unknown): RecordedError | null {
  if (error instanceof UpstreamTimeoutError)
    return { kind: 'timeout', message: error.message, body: '', timeout_ms: error.timeoutMs };
  if (error instanceof UpstreamError)
    return { kind: 'upstream', message: error.message, body: error.body };
  return null;
}

export function createRecordingUpstream(options: RecordingUpstreamOptions): UpstreamClient {
  const { client, file } = options;
  const now = options.now ?? (() => new Date());
  mkdirSync(path.dirname(file), { recursive: true });
  let fd: number | null = openSync(file, 'a');

  function append(exchange: RecordedExchange): void {
    if (fd === null) return;
    writeSync(fd, JSON.stringify(exchange) + '\n');
  }

  function base(
    method: 'GET' | 'POST',
    requestPath: string,
    request: unknown,
    started: Date,
    startedMs: number,
  ): Pick<
    RecordedExchange,
    'v' | 'upstream' | 'method' | 'path' | 'request' | 'timestamp' | 'duration_ms'
  > {
    return {
      v: RECORDING_VERSION,
      upstream: client.name,
      method,
      path: requestPath,
      request,
      timestamp: started.toISOString(),
      duration_ms: Math.round((performance.now() - startedMs) * 1000) / 1000,
    };
  }

  async function recordJson<T>(
    method: 'GET' | 'POST',
    requestPath: string,
    request: unknown,
    call: () => Promise<T>,
    /** The body and the asked-for headers of an answer (default: the answer is the body). */
    split: (answer: T) => { body: unknown; headers?: Record<string, string> } = (answer) => ({
      body: answer,
    }),
  ): Promise<T> {
    const started = now();
    const startedMs = performance.now();
    try {
      const answer = await call();
      const { body: response, headers } = split(answer);
      append({
        ...base(method, requestPath, request, started, startedMs),
        status: 200,
        response,
        ...(headers === undefined ? {} : { response_headers: headers }),
      });
      return answer;
    } catch (error) {
      const recorded = toRecordedError(error);
      if (recorded !== null && !isAbortError(error)) {
        const status = error instanceof UpstreamError ? error.status : null;
        append({
          ...base(method, requestPath, request, started, startedMs),
          status,
          error: recorded,
        });
      }
      throw error;
    }
  }

  /** The JSON calls, made on `target`: the wrapped client or one request's lane of it. */
  const jsonCalls = (
    target: UpstreamClient,
  ): Pick<UpstreamClient, 'postJson' | 'getJson' | 'postJsonWithHeaders'> => ({
    postJson: (requestPath, body, signal) =>
      recordJson('POST', requestPath, body, () => target.postJson(requestPath, body, signal)),
    getJson: (requestPath, signal) =>
      recordJson('GET', requestPath, null, () => target.getJson(requestPath, signal)),
    postJsonWithHeaders: (requestPath, body, headerNames, signal) =>
      recordJson(
        'POST',
        requestPath,
        body,
        async (): Promise<JsonWithHeaders> =>
          target.postJsonWithHeaders
            ? target.postJsonWithHeaders(requestPath, body, headerNames, signal)
            : { body: await target.postJson(requestPath, body, signal), headers: {} },
        (answer) => answer,
      ),
  });

  const recording: UpstreamClient = {
    name: client.name,
    baseUrl: client.baseUrl,
    ...jsonCalls(client),
    // Same file, the wrapped client's lane; closing a lane closes nothing.
    inLane: (owner) => ({
      ...recording,
      ...jsonCalls(laneOf(client, owner)),
      close: async () => undefined,
    }),
    // Recorded as parsed JSON like every other exchange, so a replay matches it the same way;
    // recording is a debugging mode, where the parse costs nothing that matters.
    postJsonBytes: (requestPath, body, signal) =>
      recordJson(
        'POST',
        requestPath,
        body.value,
        () => postJsonBytesOn(client, requestPath, body, signal),
        (answer) => ({ body: JSON.parse(answer.bytes.toString('utf8')) as unknown }),
      ),
    postStreamBytes: (requestPath, body, signal) =>
      recordStream(requestPath, body.value, () =>
        client.postStreamBytes
          ? client.postStreamBytes(requestPath, body, signal)
          : client.postStream(requestPath, body.value, signal),
      ),
    probe: (requestPath, timeoutMs, body) => client.probe(requestPath, timeoutMs, body),
    postStream: (requestPath, body, signal) =>
      recordStream(requestPath, body, () => client.postStream(requestPath, body, signal)),
    async close() {
      if (fd !== null) {
        closeSync(fd);
        fd = null;
      }
      await client.close();
    },
  };
  return recording;

  async function recordStream(
    requestPath: string,
    body: unknown,
    call: () => Promise<UpstreamStream>,
  ): Promise<UpstreamStream> {
    const started = now();
    const startedMs = performance.now();
    let stream: UpstreamStream;
    try {
      stream = await call();
    } catch (error) {
      const recorded = toRecordedError(error);
      if (recorded !== null) {
        append({
          ...base('POST', requestPath, body, started, startedMs),
          status: error instanceof UpstreamError ? error.status : null,
          error: recorded,
        });
      }
      throw error;
    }
    // Chunks are decoded as UTF-8 text; a character split across chunks stays whole.
    const decoder = new StringDecoder('utf8');
    const chunks: string[] = [];
    const upstream = stream.body;
    // The reader's view of the body: every chunk is recorded on its way through.
    const tee: StreamBody = {
      read(reader) {
        upstream.read({
          data(chunk) {
            const text = decoder.write(chunk);
            if (text.length > 0) chunks.push(text);
            reader.data(chunk);
          },
          end() {
            const rest = decoder.end();
            if (rest.length > 0) chunks.push(rest);
            // Only a stream that ended is replayable; a cut one is not recorded.
            try {
              append({
                ...base('POST', requestPath, body, started, startedMs),
                status: stream.statusCode,
                stream: chunks,
              });
            } catch (error) {
              // A recording that cannot be written fails the call, as on the JSON routes.
              reader.fail(error instanceof Error ? error : new Error(String(error)));
              return;
            }
            reader.end();
          },
          fail: (error) => reader.fail(error),
        });
      },
      pause: () => upstream.pause(),
      resume: () => upstream.resume(),
      destroy: () => upstream.destroy(),
    };
    return { statusCode: stream.statusCode, headers: stream.headers, body: tee };
  }
}
