/**
 * Relay a successful JSON answer of the passthrough. An answer of known, bounded size (vLLM
 * sends `content-length` with every JSON answer) is received whole, checked for a cut or broken
 * body (502 in OpenAI's shape instead of a 200 the client cannot parse) and sent in one write,
 * its top-level `model` swapped back to the client's name in place. A larger answer, or one of
 * unknown length (an embeddings batch can be megabytes), streams through with constant memory:
 * it cannot be checked before its status is sent, and its `model` is swapped on the bytes.
 */
import type { ServerResponse } from 'node:http';
import { onCutShort } from '../shutdown-cut';
import type { ModelRename } from './relay-checked-stream';
import type { UpstreamAnswer } from './upstream-answer';
import { replaceRange, scanJson } from '../../util';

/** JSON answers up to this size are received whole and checked; larger ones stream. */
export const CHECKED_JSON_LIMIT = 8 * 1024 * 1024;

/** No depth limit on answers: the scan is iterative, and the upstream's nesting is its own. */
const ANY_DEPTH = Number.MAX_SAFE_INTEGER;

export type JsonRelayOutcome = 'sent' | 'broken' | 'gone';

/** The whole body, or null when the upstream failed or the body is not the size it declared. */
function receiveWhole(upstream: UpstreamAnswer, length: number): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let isDone = false;
    const finish = (body: Buffer | null): void => {
      if (isDone) return;
      isDone = true;
      resolve(body);
    };
    upstream.read({
      data(chunk) {
        if (isDone) return;
        size += chunk.length;
        if (size > length) {
          finish(null);
          upstream.destroy();
        } else chunks.push(chunk);
      },
      end() {
        finish(
          size !== length
            ? null
            : chunks.length === 1
              ? (chunks[0] as Buffer)
              : Buffer.concat(chunks, size),
        );
      },
      fail: () => finish(null),
    });
  });
}

function declaredLength(upstream: UpstreamAnswer): number | null {
  const header = upstream.header('content-length');
  if (header === undefined || !/^\d+$/.test(header)) return null;
  return Number(header);
}

/**
 * Send the answer; 'broken' when a bounded body was cut or is not JSON (nothing sent yet: the
 * caller answers with an error), 'gone' when the upstream or the client went away.
 */
export async function relayJsonAnswer(
  upstream: UpstreamAnswer,
  response: ServerResponse,
  rename: ModelRename | null,
): Promise<JsonRelayOutcome> {
  const length = declaredLength(upstream);
  if (length === null || length > CHECKED_JSON_LIMIT) return streamJson(upstream, response, rename);
  const body = await receiveWhole(upstream, length);
  // Ended already: the shutdown cut it meanwhile (and answered it).
  if (response.destroyed || response.writableEnded) return 'gone';
  if (body === null) return 'broken';
  const scan = scanJson(body, ANY_DEPTH);
  if (!scan.isComplete) return 'broken';
  const out =
    rename !== null && scan.model !== null && scan.model.name === rename.served
      ? replaceRange(body, scan.model.start, scan.model.end, rename.client)
      : body;
  response.setHeader('content-length', out.length);
  response.end(out);
  return 'sent';
}

/** Stream the answer, swapping `"model":"<served>"` (compact, as vLLM writes it) across chunks. */
function streamJson(
  upstream: UpstreamAnswer,
  response: ServerResponse,
  rename: ModelRename | null,
): Promise<JsonRelayOutcome> {
  return new Promise((resolve) => {
    const swap = rename === null ? null : createByteSwap(rename);
    const onDrain = (): void => upstream.resume();
    upstream.read({
      data(chunk) {
        // Backpressure as `pipe` does it: a slow client pauses the upstream, not our memory.
        if (!response.write(swap === null ? chunk : swap.push(chunk))) {
          upstream.pause();
          response.once('drain', onDrain);
        }
      },
      end() {
        response.end(swap?.flush());
        resolve('sent');
      },
      // A failure mid-body cannot become an error answer (the status is out): cut the response
      // so the client sees an incomplete body, never a complete-looking one.
      fail() {
        if (!response.writableEnded) response.destroy();
        resolve('gone');
      },
    });
    // Cut by the shutdown before its first byte: answered with a 503, nothing more to send.
    onCutShort(response, () => {
      upstream.destroy();
      resolve('gone');
    });
  });
}

/** Replace a byte pattern in a stream of chunks; a match may straddle two chunks. */
function createByteSwap(rename: ModelRename): { push(chunk: Buffer): Buffer; flush(): Buffer } {
  const from = Buffer.from(`"model":${JSON.stringify(rename.served)}`);
  const to = Buffer.from(`"model":${JSON.stringify(rename.client)}`);
  let held = Buffer.alloc(0);
  const replaceAll = (bytes: Buffer): { done: Buffer; at: number } => {
    const parts: Buffer[] = [];
    let start = 0;
    let at = bytes.indexOf(from);
    while (at >= 0) {
      parts.push(bytes.subarray(start, at), to);
      start = at + from.length;
      at = bytes.indexOf(from, start);
    }
    parts.push(bytes.subarray(start));
    return { done: parts.length === 1 ? bytes : Buffer.concat(parts), at: start };
  };
  return {
    push(chunk) {
      const joined = held.length === 0 ? chunk : Buffer.concat([held, chunk]);
      const { done, at } = replaceAll(joined);
      // Hold back what could be the start of a match cut by the chunk's end.
      const keep = Math.min(from.length - 1, joined.length - at);
      held = Buffer.from(joined.subarray(joined.length - keep));
      return done.subarray(0, done.length - keep);
    },
    flush() {
      const rest = held;
      held = Buffer.alloc(0);
      return rest;
    },
  };
}
