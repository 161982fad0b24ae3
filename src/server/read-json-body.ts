/**
 * Read the JSON body of a request, completely, before the request takes an admission slot:
 * receive the bytes under the body limits (size, time, and the gate on bodies being received at
 * once: body/read-raw-body.ts), undo a content-encoding, check the nesting depth, parse once.
 *
 * Semantics kept from body-parser's `express.json({ strict: true })`, which this replaced: only
 * `application/json` is parsed (other media types read as `undefined`), an empty body is `{}`, a
 * JSON scalar is refused, a UTF-8 byte order mark is dropped. Every failure is a 4xx (or 429 when
 * the gate is full) with an OpenAI-shaped body (mapped by `toHttpError`), never a 5xx.
 */
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { InvalidRequestError } from '../errors';
import { scanJson, type JsonScan } from '../util';
import { createBodyGate, type BodyGate } from './body/body-gate';
import { bodyText, checkJsonCharset, decodeBodyBytes } from './body/decode-body';
import { exceedsJsonDepth } from './body/json-depth';
import { inviteBody } from './body/expect-continue';
import { overloadedBytes, readRawBody } from './body/read-raw-body';
import { RequestBodyError } from './body/request-body-error';

export type JsonBodyReader = (
  request: IncomingMessage,
  response: ServerResponse,
) => Promise<unknown>;

export interface BodyLimits {
  limitBytes: number;
  /** Deepest nesting of objects/arrays accepted in a JSON body. */
  maxDepth: number;
  /** The whole body must arrive within this. */
  bodyTimeoutMs: number;
  /** No gap between body chunks may be longer than this. */
  idleTimeoutMs: number;
  gate: BodyGate;
}

export const DEFAULT_MAX_JSON_DEPTH = 128;

/** Limits for tests and tools that give only a size (the server passes every field from config). */
export function bodyLimits(options: Partial<BodyLimits> & { limitBytes: number }): BodyLimits {
  return {
    maxDepth: DEFAULT_MAX_JSON_DEPTH,
    bodyTimeoutMs: 30_000,
    idleTimeoutMs: 10_000,
    gate: createBodyGate({ maxBodies: 1024, maxBytes: 192 * 1024 * 1024 }),
    ...options,
  };
}

function mediaType(contentType: string): string {
  const cut = contentType.indexOf(';');
  return (cut < 0 ? contentType : contentType.slice(0, cut)).trim().toLowerCase();
}

/**
 * Whether vLLM's server reads a body of this `Content-Type` as JSON: none (or empty),
 * `application/json` or `application/<x>+json`, as FastAPI decides it (fastapi/routing.py
 * `get_request_handler`, 0.115.x). Chat and the `/v1` passthrough follow the same rule.
 */
export function readsAsJson(contentType: string | undefined): boolean {
  if (contentType === undefined) return true;
  const type = mediaType(contentType);
  return type === '' || type === 'application/json' || /^application\/[^/\s]+\+json$/.test(type);
}

/**
 * Receive a body under the limits; on failure, close a connection whose body is still unread.
 * Its bytes stay counted against the gate until the response is over (the gate's release is tied
 * to it here, so callers hold nothing to release): the parsed body lives as long as the request,
 * queued or running, and 200 near-limit bodies released at parse time held ~1 GB past a 64 MiB
 * bound (found by a hostile-client review).
 */
export async function receiveBody(
  request: IncomingMessage,
  response: ServerResponse,
  limits: BodyLimits,
): Promise<ReceivedBody> {
  try {
    const raw = await readRawBody(request, limits, () => inviteBody(response));
    if (response.writableFinished || response.destroyed) raw.release();
    else response.once('close', () => raw.release());
    return { bytes: raw.bytes, charge: (more) => raw.charge(more) };
  } catch (error) {
    // The rest of the body would otherwise hold the keep-alive connection (or be read for nothing).
    if (!request.complete && !response.headersSent) response.setHeader('connection', 'close');
    throw error;
  }
}

/** A received body: its bytes, and the gate's count of what it costs (`RawBody.charge`). */
export interface ReceivedBody {
  bytes: Buffer;
  charge: (bytes: number) => boolean;
}

/**
 * What a parsed body costs beyond the bytes it came in, about (review 23 measured these): its text
 * and its parsed strings are copies of the bytes (twice their size again), each object or array
 * ~48 bytes (350k empty arrays in 1 MiB parsed to ~13 MiB), each further element or member ~16
 * (a float's heap number and slot: floats parsed to ~6× their text).
 */
const PARSED_COPIES_OF_TEXT = 2;
const PARSED_CONTAINER_BYTES = 48;
const PARSED_SEPARATOR_BYTES = 16;

function parsedCost(textBytes: number, scan: JsonScan): number {
  return (
    PARSED_COPIES_OF_TEXT * textBytes +
    PARSED_CONTAINER_BYTES * scan.containers +
    PARSED_SEPARATOR_BYTES * scan.separators
  );
}

/** The body decoded (content-encoding undone), its decompressed size counted against the gate. */
export function decodeCharged(
  body: ReceivedBody,
  headers: IncomingMessage['headers'],
  limitBytes: number,
): Buffer {
  const decoded = decodeBodyBytes(body.bytes, headers, limitBytes);
  // A gzip body came in small: its decompressed bytes are what it holds from now on.
  if (decoded !== body.bytes && !body.charge(decoded.length)) throw overloadedBytes();
  return decoded;
}

/** The 400 for JSON nested deeper than the limit (chat and the /v1 passthrough alike). */
export function tooDeep(maxDepth: number): InvalidRequestError {
  return new InvalidRequestError(
    `Request JSON nests deeper than this server's limit of ${maxDepth} levels.`,
    null,
    'json_too_deep',
  );
}

/** Parse JSON text strictly (an object or an array) within the depth limit. */
export function parseJsonText(text: string, maxDepth: number): unknown {
  if (text.length === 0) return {};
  if (exceedsJsonDepth(text, maxDepth)) throw tooDeep(maxDepth);
  return parseStrict(text);
}

function parseStrict(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new RequestBodyError(
      400,
      'entity.parse.failed',
      error instanceof Error ? error.message : 'invalid JSON',
      { cause: error },
    );
  }
  if (typeof value !== 'object' || value === null)
    throw new RequestBodyError(
      400,
      'entity.parse.failed',
      'JSON body must be an object or an array',
    );
  return value;
}

export function createJsonBodyReader(limits: BodyLimits): JsonBodyReader {
  return async (request, response) => {
    const raw = await receiveBody(request, response, limits);
    const type = request.headers['content-type'];
    if (type === undefined || mediaType(type) !== 'application/json') return undefined;
    const bytes = decodeCharged(raw, request.headers, limits.limitBytes);
    return parseJsonText(bodyText(bytes, type), limits.maxDepth);
  };
}

/** A JSON body parsed, with the bytes it was parsed from when they can be forwarded as they are. */
export interface JsonBodyWithBytes {
  value: unknown;
  /**
   * The decoded body (no content-encoding, no byte order mark) when it is valid UTF-8 JSON text,
   * else null (then only `value` may be forwarded: what the bytes meant is what was parsed).
   */
  bytes: Buffer | null;
  /** Where the top-level `"model"` string is in `bytes` (null: none, or no bytes). */
  model: JsonScan['model'];
  /**
   * Count more bytes the request will hold against the same bound, given back with the body's
   * when the response is over; false (nothing counted) when the bound is full.
   */
  charge: (bytes: number) => boolean;
}

const NO_BYTES = { bytes: null, model: null } as const;

/**
 * `createJsonBodyReader` that also keeps the body's bytes, for the plain chat passthrough that
 * forwards them as they came. One scan of the bytes replaces the depth check on the text and
 * finds the model name on the way.
 */
export function createJsonBodyWithBytesReader(
  limits: BodyLimits,
): (request: IncomingMessage, response: ServerResponse) => Promise<JsonBodyWithBytes> {
  return async (request, response) => {
    const raw = await receiveBody(request, response, limits);
    // What vLLM reads as JSON (none, `application/json`, `+json`); any other type is the route's
    // 400 (`invalid_content_type`).
    const type = request.headers['content-type'] ?? '';
    const { charge } = raw;
    if (!readsAsJson(type)) return { value: undefined, ...NO_BYTES, charge };
    checkJsonCharset(type);
    const decoded = decodeCharged(raw, request.headers, limits.limitBytes);
    const bytes = withoutBom(decoded);
    if (bytes.length === 0) return { value: {}, ...NO_BYTES, charge };
    const scan = scanJson(bytes, limits.maxDepth);
    if (scan.isTooDeep) throw tooDeep(limits.maxDepth);
    // Charged before the text exists: a body refused here never makes its (body-sized) text.
    if (!raw.charge(parsedCost(bytes.length, scan))) throw overloadedBytes();
    const value = parseStrict(bodyText(decoded, type));
    // Invalid UTF-8 was read as U+FFFD: forwarding the bytes would send what was not parsed.
    return isUtf8(bytes)
      ? { value, bytes, model: scan.model, charge }
      : { value, ...NO_BYTES, charge };
  };
}

function withoutBom(bytes: Buffer): Buffer {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
}
