/**
 * Relay an upstream SSE chat stream to the client as it arrives (true streaming), rewriting the
 * upstream's model id to the client's model name in complete lines. Upstream error events
 * are turned into OpenAI-shaped `{"error":...}` events so SDKs throw (pre-0.10.1 vLLM sends a
 * flat body). A stream that breaks — the connection fails, a line grows past
 * `MAX_HELD_EVENT_BYTES`, or (from a server that always ends with one, vLLM) it ends without
 * `data: [DONE]` — ends with an `upstream_stream_broken` event and `[DONE]`, as the `/v1` relay's
 * do, so a cut answer is never taken for a whole one.
 */
import type { Response } from 'express';
import { ReadBatch } from '../read-batch';
import { SSE_DONE, sseEvent } from '../sse';
import type { AbortSource, StreamBody } from '../../util';

export async function relayChatStream(
  body: StreamBody,
  response: Response,
  servedName: string,
  clientModel: string,
  signal: AbortSource,
  /** The server ends every stream with `data: [DONE]` (vLLM): an end without it is a break. */
  isDoneExpected = false,
): Promise<void> {
  response.statusCode = 200;
  response.setHeader('content-type', 'text/event-stream; charset=utf-8');
  response.setHeader('cache-control', 'no-cache');
  // No `connection` header: node's own honours a client's `Connection: close` (sse.ts).
  response.setHeader('x-accel-buffering', 'no');
  // Not flushed alone: the headers leave with the first event, in one write (a flush costs a
  // write of its own per stream, ~5% of a short stream's relay).
  // Bytes in, bytes out: a chunk is cut at its last newline and only complete lines are
  // rewritten, so a UTF-8 character split across chunks stays whole (rewrite, below).
  const from = asLatin1(`"model":${JSON.stringify(servedName)}`);
  const to = asLatin1(`"model":${JSON.stringify(clientModel)}`);
  // `replaceAll` reads `$` in its replacement as a pattern: a name's own `$` is doubled.
  const rename: Rename = { from, to: to.replaceAll('$', '$$$$') };
  const isSameName = from === to;
  await new Promise<void>((resolve) => {
    let isFinished = false;
    let isHeldBack = false;
    // Backpressure as `pipe` does it: a client that reads slowly holds the upstream back (the
    // transport stops reading the socket), so a long stream never piles up here.
    const onDrain = (): void => {
      isHeldBack = false;
      body.resume();
    };
    /** Whether `data: [DONE]` was sent: the answer is whole, and what follows is dropped. */
    let endsWithDone = false;
    /**
     * The last three bytes sent (-1: none yet), newest first: whether they close an event (a
     * blank line) or leave one open. Numbers, not a string: this runs on every write.
     */
    let last = -1;
    let before = -1;
    let third = -1;
    const send = (complete: Buffer): void => {
      let lines = complete;
      if (isDoneExpected) {
        if (endsWithDone) return;
        const done = doneLineEnd(lines);
        if (done >= 0) {
          endsWithDone = true;
          if (done < lines.length) lines = lines.subarray(0, done);
        }
      }
      for (let i = Math.max(0, lines.length - 3); i < lines.length; i++) {
        third = before;
        before = last;
        last = lines[i] as number;
      }
      const isTaken =
        isSameName && !lines.includes(ERROR_OBJECT)
          ? response.write(lines)
          : response.write(rewrite(lines, rename), 'latin1');
      if (isTaken || isHeldBack) return;
      isHeldBack = true;
      body.pause();
      response.once('drain', onDrain);
    };
    /** Send the complete lines of what was pending and what arrived; return the rest. */
    const relayBytes = (joined: Buffer): Buffer | null => {
      // An event's chunk ends in its blank line as a rule: one byte read, no search.
      const last = joined.length - 1;
      const cut = joined[last] === NEWLINE ? last : joined.lastIndexOf(NEWLINE);
      if (cut < 0) return joined;
      send(cut + 1 === joined.length ? joined : joined.subarray(0, cut + 1));
      return cut + 1 < joined.length ? joined.subarray(cut + 1) : null;
    };
    // The chunks of one socket read go out in one write (read-batch.ts); a line past its bound
    // breaks the stream.
    const batch = new ReadBatch(relayBytes, () => {
      // Finished first: destroying the body fails its reader, which would report that instead.
      finish('The model server sent a stream line larger than the proxy holds.');
      body.destroy();
    });
    /** `broken`: why the upstream broke the stream, or null (a client gone is not reported to it). */
    const finish = (broken: string | null): void => {
      if (isFinished) return;
      // Lines that came whole before the end (or the failure) still go to the client.
      if (!signal.aborted) batch.flush();
      isFinished = true;
      const pending = batch.pending;
      batch.close();
      signal.removeEventListener('abort', onAbort);
      if (isHeldBack) response.off('drain', onDrain);
      let why = broken;
      if (why === null && isDoneExpected) {
        // After `[DONE]` the answer is whole: bytes trailing it are dropped, not reported.
        if (!endsWithDone)
          why =
            pending !== null && pending.toString('latin1').trim().length > 0
              ? 'The model server ended the stream mid-line.'
              : 'The model server ended the stream before it was complete.';
      } else if (why === null && pending !== null)
        response.write(rewrite(pending, rename), 'latin1');
      if (why !== null && !signal.aborted && !response.writableEnded) {
        // Lines go out whole but events need not have: an event left open would take the error's
        // data line as its own, so a blank line closes it first.
        const isEventOpen =
          last !== -1 &&
          !(last === NEWLINE && (before === NEWLINE || (before === RETURN && third === NEWLINE)));
        response.write(
          (isEventOpen ? '\n' : '') +
            sseEvent({
              error: {
                message: why,
                type: 'server_error',
                param: null,
                code: 'upstream_stream_broken',
              },
            }),
        );
        response.write(SSE_DONE);
      }
      if (!response.writableEnded) response.end();
      resolve();
    };
    const onAbort = (): void => {
      body.destroy();
      finish('The client left.');
    };
    signal.addEventListener('abort', onAbort, { once: true });
    body.read({
      data: (chunk) => batch.add(chunk),
      end: () => finish(null),
      fail: () => finish('The model server connection failed mid-stream.'),
    });
  });
}

/** The served model's `"model"` member and the client's, as their UTF-8 bytes in latin1 text. */
interface Rename {
  from: string;
  /** As a `replaceAll` replacement (`$` doubled). */
  to: string;
}

/** Text's UTF-8 bytes, one latin1 character each (what `rewrite` reads and writes). */
function asLatin1(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

const NEWLINE = 0x0a;
const RETURN = 0x0d;
const CARRIAGE_RETURN = 0x0d;
const ERROR_TEXT = '"object":"error"';
const ERROR_OBJECT = Buffer.from(ERROR_TEXT);

/**
 * Complete lines with the model renamed and flat error events wrapped, as latin1 text: each byte
 * one character and back, so UTF-8 passes through unchanged. The swap runs in V8's string code,
 * cheaper per match than on Buffers (a native call and a view each), though the write then
 * encodes the text: end to end the two cost about the same (docs/performance.md).
 */
function rewrite(bytes: Buffer, rename: Rename): string {
  const text = bytes.toString('latin1');
  const renamed = text.replaceAll(rename.from, rename.to);
  // Flat vLLM (<0.10.1) error events have no `error` key, so SDKs would not throw: wrap them.
  if (!renamed.includes(ERROR_TEXT)) return renamed;
  const wrapped = wrapFlatErrors(Buffer.from(renamed, 'latin1').toString('utf8'));
  return Buffer.from(wrapped, 'utf8').toString('latin1');
}

/**
 * Wrap each `data: {…"object":"error"…}` line. Lines are split at LF only (a CR before it is kept
 * as it came): JSON allows U+2028 and U+2029 raw inside strings, and a regex's `^`, `$` and `.`
 * treat them as line ends.
 */
function wrapFlatErrors(text: string): string {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const whole = lines[i] as string;
    const ending = whole.endsWith('\r') ? '\r' : '';
    const line = ending === '' ? whole : whole.slice(0, -1);
    if (!line.startsWith('data: {') || !line.endsWith('}') || !line.includes(ERROR_TEXT)) continue;
    const json = line.slice('data: '.length);
    try {
      const parsed = JSON.parse(json) as Record<string, unknown>;
      const message =
        typeof parsed.message === 'string'
          ? parsed.message
          : parsed.message == null
            ? 'upstream error'
            : JSON.stringify(parsed.message);
      lines[i] =
        `data: ${JSON.stringify({ error: { message, type: 'server_error', param: null, code: 'upstream_error' } })}${ending}`;
    } catch {
      // Not JSON: relayed as it came.
    }
  }
  return lines.join('\n');
}

const DONE_LINE = Buffer.from('data: [DONE]');

/**
 * Where the `data: [DONE]` line of `lines` (complete lines, LF-ended) ends, its line end and the
 * blank line after it included; -1 when it holds none. A line, not a string in a JSON payload:
 * it starts the buffer or follows a LF.
 */
function doneLineEnd(lines: Buffer): number {
  for (let at = lines.indexOf(DONE_LINE); at >= 0; at = lines.indexOf(DONE_LINE, at + 1)) {
    let end = at + DONE_LINE.length;
    if ((at > 0 && lines[at - 1] !== NEWLINE) || (end < lines.length && !isLineEnd(lines[end])))
      continue;
    while (end < lines.length && isLineEnd(lines[end])) end += 1;
    return end;
  }
  return -1;
}

function isLineEnd(byte: number | undefined): boolean {
  return byte === NEWLINE || byte === CARRIAGE_RETURN;
}
