/**
 * Responses whose client stopped reading. The relays keep backpressure (they pause the upstream
 * while the client's socket is full), so a client that reads nothing would hold its response,
 * its admission slot and its upstream request for as long as it keeps the connection open: 256
 * such sockets locked every other client out. A response with bytes waiting to be sent that
 * made no progress for `stallMs` is destroyed, which frees all three (the relays see the client
 * leave and cancel the upstream). Only stalled writes count: a response waiting for its upstream
 * (a long prefill, a search) has nothing waiting to be sent and is never cut.
 *
 * Progress is what the socket handed to the kernel: `bytesWritten` counts queued bytes too, so
 * the queue (`writableLength`) is taken off.
 */
import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { pathOf, requestIdOf } from './access-log';

/** Per response: bytes sent when last seen, and when they last moved (or nothing was queued). */
const PROGRESS = Symbol('writeProgress');
interface Progress {
  sent: number;
  movedAt: number;
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

/** Bytes of the response waiting to be sent, and those the socket already handed on. */
function writeState(response: ServerResponse): { queued: number; sent: number } {
  const socket = response.socket;
  const queued = response.writableLength;
  if (socket === null) return { queued, sent: 0 };
  return { queued, sent: socket.bytesWritten - socket.writableLength };
}

export function startStalledWriteSweep(options: StalledWriteSweepOptions): StalledWriteSweep {
  const now = options.now ?? (() => performance.now());
  function sweep(): number {
    const at = now();
    let cut = 0;
    for (const response of options.responses()) {
      const watched = response as Watched;
      const { queued, sent } = writeState(response);
      const last = watched[PROGRESS];
      if (last === undefined) {
        watched[PROGRESS] = { sent, movedAt: at };
        continue;
      }
      if (queued === 0 || sent !== last.sent) {
        last.sent = sent;
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
