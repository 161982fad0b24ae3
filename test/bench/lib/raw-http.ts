/**
 * The least HTTP/1.1 a replaying upstream needs, on a raw `net` socket: read one request at a
 * time (request line, headers, a `content-length` body) and write canned answers as ready-made
 * bytes. Node's `http` server costs the passthrough section's load side about as much CPU per
 * request as the bare hop under test, so at concurrency 16 the load side, not the hop, set the
 * pace and the comparison could not be judged. Clients here are undici and Node's `http` agent
 * (the proxy, the hop, the load generator): they send `content-length` bodies and never
 * pipeline, but a second request already in the buffer is still answered in order.
 *
 * Refused here (answered 400 and the connection closed): chunked request bodies, a missing or
 * malformed request line, headers over 64 KiB. The bench never sends them; a refusal is loud.
 */

export interface RawRequest {
  method: string;
  path: string;
  /** Lower-case names; a repeated header keeps its last value. */
  headers: Record<string, string>;
  body: Buffer;
}

export type TakeResult =
  | { kind: 'request'; request: RawRequest; consumed: number }
  | { kind: 'incomplete' }
  | { kind: 'bad'; reason: string };

const HEAD_END = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');
const LAST_CHUNK = Buffer.from('0\r\n\r\n');
const MAX_HEAD_BYTES = 64 * 1024;

/** The first complete request at the start of `buffer`, if it is all there. */
export function takeRequest(buffer: Buffer): TakeResult {
  const headEnd = buffer.indexOf(HEAD_END);
  if (headEnd < 0)
    return buffer.length > MAX_HEAD_BYTES
      ? { kind: 'bad', reason: 'request head too large' }
      : { kind: 'incomplete' };
  const lines = buffer.toString('latin1', 0, headEnd).split('\r\n');
  const [method, path, version] = (lines[0] ?? '').split(' ');
  if (!method || !path || !version?.startsWith('HTTP/1.'))
    return { kind: 'bad', reason: 'malformed request line' };
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) return { kind: 'bad', reason: 'malformed header line' };
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  if (headers['transfer-encoding'] !== undefined)
    return { kind: 'bad', reason: 'chunked request bodies are not read here' };
  const length = headers['content-length'] === undefined ? 0 : Number(headers['content-length']);
  if (!Number.isSafeInteger(length) || length < 0)
    return { kind: 'bad', reason: 'malformed content-length' };
  const bodyStart = headEnd + HEAD_END.length;
  if (buffer.length < bodyStart + length) return { kind: 'incomplete' };
  return {
    kind: 'request',
    request: { method, path, headers, body: buffer.subarray(bodyStart, bodyStart + length) },
    consumed: bodyStart + length,
  };
}

const REASONS: Record<number, string> = { 200: 'OK', 400: 'Bad Request', 502: 'Bad Gateway' };

function statusLine(status: number): string {
  return `HTTP/1.1 ${status} ${REASONS[status] ?? 'Status'}\r\n`;
}

/** A whole answer with a `content-length` body, as one buffer (one write). */
export function fixedLengthAnswer(
  status: number,
  headers: Readonly<Record<string, string>>,
  body: Buffer,
): Buffer {
  let head = statusLine(status);
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
  head += `content-length: ${body.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

/**
 * A streamed answer as the writes a server makes: the head, then each piece as one chunk of a
 * chunked body, then the last (empty) chunk with the final piece.
 */
export function chunkedAnswer(
  status: number,
  headers: Readonly<Record<string, string>>,
  pieces: readonly Buffer[],
): Buffer[] {
  let head = statusLine(status);
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
  head += 'transfer-encoding: chunked\r\n\r\n';
  const writes = [Buffer.from(head, 'latin1')];
  pieces.forEach((piece, index) => {
    const framed = [Buffer.from(`${piece.length.toString(16)}\r\n`, 'latin1'), piece, CRLF];
    if (index === pieces.length - 1) framed.push(LAST_CHUNK);
    writes.push(Buffer.concat(framed));
  });
  if (pieces.length === 0) writes.push(LAST_CHUNK);
  return writes;
}
