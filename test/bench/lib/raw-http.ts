/**
 * The least HTTP/1.1 a replaying upstream needs, on a raw `net` socket: read one request at a
 * time (request line, headers, a `content-length` body) and write canned answers as ready-made
 * bytes. Node's `http` server costs the passthrough section's load side about as much CPU per
 * request as the bare hop under test, so at concurrency 16 the load side, not the hop, set the
 * pace and the comparison could not be judged. Clients here are undici and Node's `http` agent
 * (the proxy, the hop, the load generator): they send `content-length` bodies and never
 * pipeline, but a second request already in the buffer is still answered in order.
 *
 * Refused here (answered 400 or 413 and the connection closed): chunked request bodies, a
 * missing or malformed request line, headers over 64 KiB, bodies over 8 MiB. The bench never
 * sends them; a refusal is loud. Not spoken either: `Expect: 100-continue`, HTTP/1.0 framing.
 */
import type { Socket } from 'node:net';

export interface RawRequest {
  method: string;
  path: string;
  /** Lower-case names; a repeated header's values joined with ", " (as Node's `http` does). */
  headers: Record<string, string>;
  body: Buffer;
}

export type TakeResult =
  | { kind: 'request'; request: RawRequest; consumed: number }
  | { kind: 'incomplete' }
  | { kind: 'bad'; status: 400 | 413; reason: string };

const HEAD_END = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');
const LAST_CHUNK = Buffer.from('0\r\n\r\n');
const MAX_HEAD_BYTES = 64 * 1024;
const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** The first complete request at the start of `buffer`, if it is all there. */
export function takeRequest(buffer: Buffer): TakeResult {
  const headEnd = buffer.indexOf(HEAD_END);
  if (headEnd < 0)
    return buffer.length > MAX_HEAD_BYTES
      ? { kind: 'bad', status: 400, reason: 'request head too large' }
      : { kind: 'incomplete' };
  const lines = buffer.toString('latin1', 0, headEnd).split('\r\n');
  const [method, path, version] = (lines[0] ?? '').split(' ');
  if (!method || !path || !version?.startsWith('HTTP/1.'))
    return { kind: 'bad', status: 400, reason: 'malformed request line' };
  // No prototype: a `__proto__` header is a header like any other.
  const headers = Object.create(null) as Record<string, string>;
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) return { kind: 'bad', status: 400, reason: 'malformed header line' };
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const before = headers[name];
    headers[name] = before === undefined ? value : `${before}, ${value}`;
  }
  if (headers['transfer-encoding'] !== undefined)
    return { kind: 'bad', status: 400, reason: 'chunked request bodies are not read here' };
  const length = headers['content-length'] === undefined ? 0 : Number(headers['content-length']);
  if (!Number.isSafeInteger(length) || length < 0)
    return { kind: 'bad', status: 400, reason: 'malformed content-length' };
  if (length > MAX_BODY_BYTES)
    return { kind: 'bad', status: 413, reason: 'request body too large' };
  const bodyStart = headEnd + HEAD_END.length;
  if (buffer.length < bodyStart + length) return { kind: 'incomplete' };
  return {
    kind: 'request',
    request: { method, path, headers, body: buffer.subarray(bodyStart, bodyStart + length) },
    consumed: bodyStart + length,
  };
}

const REASONS: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  413: 'Content Too Large',
  502: 'Bad Gateway',
};

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
 * chunked body, then the last (empty) chunk with the final piece. Empty pieces are left out (an
 * empty chunk would end the body).
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
  const kept = pieces.filter((piece) => piece.length > 0);
  kept.forEach((piece, index) => {
    const framed = [Buffer.from(`${piece.length.toString(16)}\r\n`, 'latin1'), piece, CRLF];
    if (index === kept.length - 1) framed.push(LAST_CHUNK);
    writes.push(Buffer.concat(framed));
  });
  if (kept.length === 0) writes.push(LAST_CHUNK);
  return writes;
}

/**
 * How a server built on this answers a request: the writes of its answer now (the hot path: no
 * promise, no tick), or a promise of them. A rejection is answered 502.
 */
export type RawResponder = (request: RawRequest) => Buffer[] | Promise<Buffer[]>;

/**
 * Serve HTTP/1.1 on one accepted socket: requests are read and answered one at a time, in order;
 * while an answer is awaited the socket is paused, so a client cannot pile bytes up here. After
 * `connection: close` (or a refusal) the socket ends and nothing more is read or written.
 */
export function serveRawHttp(socket: Socket, respond: RawResponder): void {
  socket.setNoDelay(true);
  let pending: Buffer | null = null;
  let isAnswering = false;
  let isClosing = false;
  const end = (last?: Buffer): void => {
    isClosing = true;
    pending = null;
    if (last === undefined) socket.end();
    else socket.end(last);
  };
  const send = (pieces: readonly Buffer[], closeAfter: boolean): void => {
    for (const piece of pieces) socket.write(piece);
    if (closeAfter) end();
  };
  const drain = (): void => {
    while (!isAnswering && !isClosing && pending !== null) {
      const taken = takeRequest(pending);
      if (taken.kind === 'incomplete') return;
      if (taken.kind === 'bad') {
        end(
          fixedLengthAnswer(
            taken.status,
            { 'content-type': 'text/plain' },
            Buffer.from(taken.reason),
          ),
        );
        return;
      }
      pending = taken.consumed < pending.length ? pending.subarray(taken.consumed) : null;
      const closeAfter = taken.request.headers.connection?.toLowerCase() === 'close';
      let answer: Buffer[] | Promise<Buffer[]>;
      try {
        answer = respond(taken.request);
      } catch (error) {
        answer = Promise.reject(error);
      }
      if (Array.isArray(answer)) {
        send(answer, closeAfter);
        continue;
      }
      isAnswering = true;
      socket.pause();
      answer
        .catch(() => [fixedLengthAnswer(502, { 'content-type': 'text/plain' }, Buffer.alloc(0))])
        .then((pieces) => {
          if (socket.destroyed) return;
          send(pieces, closeAfter);
          isAnswering = false;
          socket.resume();
          drain();
        })
        .catch(() => socket.destroy());
    }
  };
  socket.on('data', (chunk: Buffer) => {
    if (isClosing) return;
    pending = pending === null ? chunk : Buffer.concat([pending, chunk]);
    drain();
  });
  socket.on('error', () => socket.destroy());
}
