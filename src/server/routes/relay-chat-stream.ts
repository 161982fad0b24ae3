/**
 * Relay an upstream SSE chat stream to the client as it arrives (true streaming), rewriting the
 * upstream's model id to the client's model name line by line, on bytes. Upstream error events
 * are turned into OpenAI-shaped `{"error":...}` events so SDKs throw (pre-0.10.1 vLLM sends a
 * flat body).
 */
import type { Readable } from 'node:stream';
import type { Response } from 'express';
import { ReadBatch } from '../read-batch';
import type { AbortSource } from '../../util';

export async function relayChatStream(
  body: Readable,
  response: Response,
  servedName: string,
  clientModel: string,
  signal: AbortSource,
): Promise<void> {
  response.statusCode = 200;
  response.setHeader('content-type', 'text/event-stream; charset=utf-8');
  response.setHeader('cache-control', 'no-cache');
  // No `connection` header: node's own honours a client's `Connection: close` (sse.ts).
  response.setHeader('x-accel-buffering', 'no');
  // Not flushed alone: the headers leave with the first event, in one write (a flush costs a
  // write of its own per stream, ~5% of a short stream's relay).
  // Bytes in, bytes out: a chunk is cut at its last newline and only complete lines are
  // rewritten, so nothing is decoded (and a UTF-8 character split across chunks stays whole).
  const from = Buffer.from(`"model":${JSON.stringify(servedName)}`);
  const to = Buffer.from(`"model":${JSON.stringify(clientModel)}`);
  const isSameName = from.equals(to);
  // Events, not `for await`: the async iterator costs a promise and a tick per chunk, a visible
  // share of a short stream's relay.
  await new Promise<void>((resolve) => {
    let isFinished = false;
    let isHeldBack = false;
    // Backpressure as `pipe` does it: a client that reads slowly holds the upstream back (its
    // body pauses, the transport stops reading the socket), so a long stream never piles up here.
    const onDrain = (): void => {
      isHeldBack = false;
      body.resume();
    };
    /** Send the complete lines of what was pending and what arrived; return the rest. */
    const relayBytes = (joined: Buffer): Buffer | null => {
      const cut = joined.lastIndexOf(NEWLINE);
      if (cut < 0) return joined;
      if (
        !response.write(rewrite(joined.subarray(0, cut + 1), from, to, isSameName)) &&
        !isHeldBack
      ) {
        isHeldBack = true;
        body.pause();
        response.once('drain', onDrain);
      }
      return cut + 1 < joined.length ? joined.subarray(cut + 1) : null;
    };
    // The chunks of one socket read go out in one write (read-batch.ts).
    const batch = new ReadBatch(relayBytes);
    const onData = (piece: Buffer | string): void =>
      batch.add(typeof piece === 'string' ? Buffer.from(piece) : piece);
    /** `failed`: the upstream broke the stream (a client gone is not reported to it). */
    const finish = (failed: boolean): void => {
      if (isFinished) return;
      // Lines that came whole before the end (or the failure) still go to the client.
      if (!signal.aborted) batch.flush();
      isFinished = true;
      const pending = batch.pending;
      batch.close();
      signal.removeEventListener('abort', onAbort);
      if (isHeldBack) response.off('drain', onDrain);
      body.off('data', onData);
      if (!failed && pending !== null) response.write(rewrite(pending, from, to, isSameName));
      if (failed && !signal.aborted && !response.writableEnded) {
        response.write(
          `data: ${JSON.stringify({ error: { message: 'The upstream stream failed.', type: 'server_error', param: null, code: 'upstream_error' } })}\n\n`,
        );
        response.write('data: [DONE]\n\n');
      }
      if (!response.writableEnded) response.end();
      resolve();
    };
    const onAbort = (): void => {
      body.destroy();
      finish(true);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    body.on('data', onData);
    body.once('end', () => finish(false));
    body.once('error', () => finish(true));
    // Closed without an end or an error (destroyed): cut short, as `for await` would throw.
    body.once('close', () => finish(true));
  });
}

const NEWLINE = 0x0a;
const ERROR_OBJECT = Buffer.from('"object":"error"');

function rewrite(bytes: Buffer, from: Buffer, to: Buffer, isSameName: boolean): Buffer | string {
  const renamed = isSameName ? bytes : replaceAll(bytes, from, to);
  // Flat vLLM (<0.10.1) error events have no `error` key, so SDKs would not throw: wrap them.
  return renamed.includes(ERROR_OBJECT) ? wrapFlatErrors(renamed.toString('utf8')) : renamed;
}

function replaceAll(bytes: Buffer, from: Buffer, to: Buffer): Buffer {
  let at = bytes.indexOf(from);
  if (at < 0) return bytes;
  const parts: Buffer[] = [];
  let start = 0;
  while (at >= 0) {
    parts.push(bytes.subarray(start, at), to);
    start = at + from.length;
    at = bytes.indexOf(from, start);
  }
  parts.push(bytes.subarray(start));
  return Buffer.concat(parts);
}

function wrapFlatErrors(text: string): string {
  return text.replace(/^data: (\{.*"object":"error".*\})$/gm, (_line, json: string) => {
    try {
      const parsed = JSON.parse(json) as Record<string, unknown>;
      const message =
        typeof parsed.message === 'string'
          ? parsed.message
          : parsed.message == null
            ? 'upstream error'
            : JSON.stringify(parsed.message);
      return `data: ${JSON.stringify({ error: { message, type: 'server_error', param: null, code: 'upstream_error' } })}`;
    } catch {
      return `data: ${json}`;
    }
  });
}
