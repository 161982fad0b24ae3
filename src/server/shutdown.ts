/**
 * Graceful shutdown of the HTTP server: take in connections and requests already sent, stop
 * accepting, close idle keep-alive connections at once and each busy one as soon as its response
 * is done, let in-flight requests finish up to a bounded drain deadline, then cut what is left —
 * logging each cut request, telling its client why where it can (answer-cut-request.ts) — and
 * report how many were cut (the CLI exits non-zero if any was). Requests that arrive on an open connection while draining are refused with an
 * OpenAI-shaped 503 (`connection: close`).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import { pathOf, requestIdOf } from './access-log';
import { answerCutRequest, sendShuttingDown } from './answer-cut-request';
import { InFlightResponses } from './in-flight-responses';
import { emitCloseWithConnection } from './response-closed';
import { markDrainStarted } from './shutdown-cut';

export interface DrainReport {
  /** Requests that finished during the drain. */
  drained: number;
  /** Requests still running at the deadline, cut. */
  cut: number;
  durationMs: number;
}

export interface ShutdownControl {
  /** Wraps the server's request listener to track in-flight requests. */
  wrap(
    listener: (request: IncomingMessage, response: ServerResponse) => void,
  ): (request: IncomingMessage, response: ServerResponse) => void;
  /** Attach the listening server (after `createServer`). */
  attach(server: Server): void;
  drain(timeoutMs: number): Promise<DrainReport>;
  inFlight(): number;
  /** The responses being served now (what the stalled-write sweep looks at). */
  responses(): ServerResponse[];
}

/**
 * How long a cut request's last bytes (its 503 or error event) get to reach the kernel before its
 * connection is destroyed: far more than a client that reads needs, and the bound on what one
 * that reads nothing adds to the drain.
 */
const CUT_ANSWER_GRACE_MS = 250;
/** How long closed connections get to report their responses closed (they take milliseconds). */
const CLOSE_WAIT_MS = 1000;

export function createShutdownControl(logger: Logger, registry?: Registry): ShutdownControl {
  // In-flight responses and when each started (in reused slots, not a Map: in-flight-responses.ts).
  // One shared 'close' listener (`this` is the response), so tracking a request allocates no
  // closure or record of its own.
  const running = new InFlightResponses();
  if (registry) {
    // What a drain would wait for (and what a scrape shows of the load right now).
    new Gauge({
      name: 'tts_proxy_requests_in_flight',
      help: 'HTTP requests being served now (a shutdown drains these)',
      registers: [registry],
      collect() {
        this.set(running.size);
      },
    });
  }
  let server: Server | null = null;
  /** Connections the server has accepted (what tells the drain the accept queue is empty). */
  let accepted = 0;
  const countAccepted = (): void => {
    accepted++;
  };
  let isDraining = false;
  /** The listener is closed: from then on a connection left idle is closed at once. */
  let isListenerClosed = false;
  let drained = 0;
  let onIdle: (() => void) | null = null;

  /** A failure of a cut's answer or of its work's stopping must not stop the drain. */
  async function cutOne(response: ServerResponse): Promise<void> {
    try {
      await answerCutRequest(response, CUT_ANSWER_GRACE_MS);
    } catch (error) {
      logger.error({ reqId: requestIdOf(response), err: error }, 'cutting a request failed');
      response.destroy();
    }
  }

  /** Until no request is in flight, or `timeoutMs` passed. */
  async function untilIdle(timeoutMs: number): Promise<void> {
    if (running.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      onIdle = resolve;
      timer = setTimeout(resolve, timeoutMs);
    });
    clearTimeout(timer);
    onIdle = null;
  }

  /**
   * Connections already made and requests already sent get their 503 rather than a reset:
   * - libuv accepts one connection per turn of the loop (libuv PR #3696, in Node 20), so after a
   *   burst a busy loop leaves connections in the kernel's accept queue for seconds, and closing
   *   the listener resets them all (300 searches and 20 SDK streams at a fresh proxy, SIGTERM
   *   3 s later: up to 100 ECONNRESET, session 26);
   * - a request whose bytes have arrived but that the loop has not read yet sits on a connection
   *   node calls idle, and closing idle connections resets it (review 25 hostile F3).
   * So the listener stays open until a turn accepts nothing, then two more turns read what the
   * last ones sent; all are answered 503 `shutting_down` (`wrap`). New connections keep it open
   * no longer than the drain's deadline.
   */
  async function acceptWaitingConnections(deadline: number): Promise<void> {
    let quietTurns = 0;
    while (quietTurns < 3 && performance.now() < deadline) {
      const before = accepted;
      await new Promise((resolve) => setImmediate(resolve));
      quietTurns = accepted === before ? quietTurns + 1 : 0;
    }
  }

  function settle(this: ServerResponse): void {
    if (!running.remove(this)) return;
    if (!isDraining) return;
    drained++;
    // Its connection is idle now (keep-alive): close it rather than wait for the client. Not
    // while the drain still takes in the accept queue: node also counts a kept-alive connection
    // whose next request has arrived but is not read yet as idle, and closing it would reset that
    // request (review 26 diff H1).
    if (isListenerClosed) server?.closeIdleConnections();
    if (running.size === 0) onIdle?.();
  }

  return {
    wrap(listener) {
      return (request, response) => {
        if (isDraining) {
          sendShuttingDown(response);
          return;
        }
        running.add(response, performance.now());
        response.on('close', settle);
        closeWithConnection(request, response);
        listener(request, response);
      };
    },
    attach(attached) {
      server = attached;
      attached.on('connection', countAccepted);
    },
    inFlight: () => running.size,
    responses: () => running.entries().map(([response]) => response),
    async drain(timeoutMs) {
      const started = performance.now();
      isDraining = true;
      drained = 0;
      // A response not yet started tells its client the connection ends with it.
      for (const [response] of running.entries())
        if (!response.headersSent) {
          response.setHeader('connection', 'close');
          markDrainStarted(response);
        }
      await acceptWaitingConnections(started + timeoutMs);
      const closed = new Promise<void>((resolve) => {
        if (!server) return resolve();
        server.close(() => resolve());
      });
      isListenerClosed = true;
      server?.closeIdleConnections();
      // Taking in the accept queue spent part of the drain's time.
      await untilIdle(Math.max(0, started + timeoutMs - performance.now()));
      const finished = drained;
      const left = running.entries();
      const cuts: Promise<void>[] = [];
      for (const [response, since] of left) {
        const request = response.req;
        logger.error(
          {
            reqId: requestIdOf(response),
            method: request.method,
            url: pathOf((request as { originalUrl?: string }).originalUrl ?? request.url ?? ''),
            ageMs: Math.round(performance.now() - since),
            drainTimeoutMs: timeoutMs,
          },
          'request cut by shutdown: still running at the drain deadline',
        );
        cuts.push(cutOne(response));
      }
      await Promise.all(cuts);
      server?.closeAllConnections();
      // The server counts a connection gone before its socket (and response) emit 'close': wait
      // for those too, so each cut request's access line is written before the process exits.
      await untilIdle(CLOSE_WAIT_MS);
      await closed;
      return {
        drained: finished,
        cut: left.length,
        durationMs: Math.round(performance.now() - started),
      };
    },
  };
}

/**
 * A pipelined request's response gets the socket only when the ones before it are done; if the
 * connection closes first, node destroys the request but never emits 'close' on that response,
 * so what waits on it (its admission slot, its body's bytes, the drain) would wait forever
 * (found by a review: a reset pipelined pair held its body's bytes against the gate for good).
 * Emit it then, once, as node does for a response that had the socket.
 */
function closeWithConnection(request: IncomingMessage, response: ServerResponse): void {
  // A response that has the socket gets its 'close' from node (the common case: nothing to do).
  if (response.socket !== null) return;
  const socket = request.socket as Socket & { [WAITING_FOR_SOCKET]?: Set<ServerResponse> };
  // One listener per socket for all its queued responses: one each put a client pipelining
  // eleven requests over node's listener limit, and its warning on stderr (review 25 hostile F2).
  let waiting = socket[WAITING_FOR_SOCKET];
  if (waiting === undefined) {
    const queued = new Set<ServerResponse>();
    waiting = queued;
    socket[WAITING_FOR_SOCKET] = queued;
    socket.once('close', () => {
      for (const queuedResponse of queued)
        if (queuedResponse.socket === null) emitCloseWithConnection(queuedResponse);
      queued.clear();
    });
  }
  const queued = waiting;
  queued.add(response);
  response.once('close', () => queued.delete(response));
}

/** The responses of a pipelining connection that wait for its socket (`closeWithConnection`). */
const WAITING_FOR_SOCKET = Symbol('responses waiting for the socket');
