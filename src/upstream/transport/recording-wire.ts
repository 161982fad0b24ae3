/**
 * One line of an upstream recording (`upstreams.<name>.record`, replayed by `replay`): one
 * exchange as the `UpstreamClient` saw it, after its retries. Request headers are never recorded
 * (they carry the API key); bodies are recorded as sent and received, and of the response headers
 * only those a caller asked for by name.
 */
import path from 'node:path';
import { z } from 'zod';

export const RECORDING_VERSION = 1;

const recordedError = z.looseObject({
  /** `upstream`: an HTTP error or no answer (status null); `timeout`: no answer in time. */
  kind: z.enum(['upstream', 'timeout']),
  message: z.string(),
  /** First bytes of the error body (UpstreamError.body). */
  body: z.string().default(''),
  timeout_ms: z.number().optional(),
});

export const recordedExchangeSchema = z.looseObject({
  v: z.literal(RECORDING_VERSION),
  upstream: z.string(),
  method: z.enum(['GET', 'POST']),
  path: z.string(),
  /** The JSON body sent (null for GET). */
  request: z.unknown(),
  /** HTTP status (200 for a parsed success; null when nothing answered). */
  status: z.number().nullable(),
  /** The parsed JSON answer of postJson/getJson. */
  response: z.unknown().optional(),
  /**
   * The response headers a `postJsonWithHeaders` caller asked for (e.g. TGI's `x-prompt-tokens`):
   * data the server put in headers, never the request's (those carry the API key).
   */
  response_headers: z.record(z.string(), z.string()).optional(),
  /** The decoded body chunks of postStream, in order. */
  stream: z.array(z.string()).optional(),
  error: recordedError.optional(),
  duration_ms: z.number(),
  /** ISO 8601 time the exchange started. */
  timestamp: z.string(),
});

export type RecordedExchange = z.infer<typeof recordedExchangeSchema>;
export type RecordedError = z.infer<typeof recordedError>;

/** A recording path from the config: relative paths are relative to the config file. */
export function resolveRecordingPath(file: string, configPath: string): string {
  return path.resolve(path.dirname(configPath), file);
}
