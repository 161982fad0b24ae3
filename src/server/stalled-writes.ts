/**
 * Responses whose client stopped reading. The relays keep backpressure (they pause the upstream
 * while the client's socket is full), so a client that reads nothing would hold its response,
 * its admission slot and its upstream request for as long as it keeps the connection open: 256
 * such sockets locked every other client out. A response with bytes waiting to be sent that
 * made no progress for `stallMs` is destroyed, which frees all three (the relays see the client
 * leave and cancel the upstream). Only stalled writes count: a response waiting for its upstream
 * (a long prefill, a search) has nothing waiting to be sent and is never cut.
 *
 * Progress is what the socket hands to the kernel. A write counts as done only when all of it
 * was taken (`bytesWritten` − `writableLength` moves per write), so a large single write (a
 * passthrough JSON answer) is followed inside libuv too, by its handle's `writeQueueSize`, which
 * shrinks as the kernel takes each part: what node's own socket timeout reads to tell a write in
 * progress from an idle socket (lib/net.js `Socket.prototype._onTimeout`). A response that does
 * not own its socket yet (a pipelined one waiting for the one before it) is not judged.
 */
import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { pathOf, requestIdOf } from './access-log';
import { markStallCut } from './stall-cut';

/** Per response: its write position when last seen, and when it last moved (or nothing was queued). */
const PROGRESS = Symbol('writeProgress');
interface Progress {
  sent: number;
  inLibuv: number;
  movedAt: number;
}

/** The part of a net.Socket's libuv handle read here (not in node's public types). */
interface WriteQueueHandle {
  writeQueueSize?: number;
}
type Watched = ServerResponse & { [PROGRESS]?: Progress };

export interface StalledWriteSweepOptions {
  /** The responses being served now. */
  responses: () => readonly ServerResponse[];
  /** A response whose queued bytes did not move for this long is cut. */
  stallMs: number;
  logger: Logger;
  now?: () => number;
}

export interface StalledWriteSweep {
  /** Check every response once (the timer calls this; tests call it directly). */
  sweep(): number;
  stop(): void;
}

/**
 * Bytes of the response waiting to be sent; the bytes of completed writes; the bytes of the write
 * in progress still waiting in libuv. Null for a response without its socket yet.
 */
function writeState(
  response: ServerResponse,
): { queued: number; sent: number; inLibuv: number } | null {
  const socket = response.socket;
  if (socket === null) return null;
  const handle = (socket as unknown as { _handle?: WriteQueueHandle | null })._handle;
  return {
    queued: response.writableLength,
    sent: socket.bytesWritten - socket.writableLength,
    inLibuv: handle?.writeQueueSize ?? 0,
  };
}

export function startStalledWriteSweep(options: StalledWriteSweepOptions): StalledWriteSweep {
  const now = options.now ?? (() => performance.now());
  function sweep(): number {
    const at = now();
    let cut = 0;
    for (const response of options.responses()) {
      const watched = response as Watched;
      const state = response.destroyed ? null : writeState(response);
      if (state === null) continue;
      const { queued, sent, inLibuv } = state;
      const last = watched[PROGRESS];
      if (last === undefined) {
        watched[PROGRESS] = { sent, inLibuv, movedAt: at };
        continue;
      }
      if (queued === 0 || sent !== last.sent || inLibuv !== last.inLibuv) {
        last.sent = sent;
        last.inLibuv = inLibuv;
        last.movedAt = at;
        continue;
      }
      if (at - last.movedAt < options.stallMs) continue;
      cut += 1;
      const request = response.req;
      options.logger.warn(
        {
          reqId: requestIdOf(response),
          method: request.method,
          url: pathOf((request as { originalUrl?: string }).originalUrl ?? request.url ?? ''),
          queuedBytes: queued,
          stallMs: options.stallMs,
        },
        'response cut: the client read nothing of it for the stall timeout',
      );
      markStallCut(response);
      response.destroy();
    }
    return cut;
  }
  // A quarter of the timeout between looks: a stalled response is cut within 1.25 × stallMs
  // of its last progress.
  const timer = setInterval(sweep, Math.max(250, Math.floor(options.stallMs / 4)));
  // The sweep alone must not keep the process alive.
  timer.unref();
  return { sweep, stop: () => clearInterval(timer) };
}
