/**
 * A streamed HTTP body handed to one reader chunk by chunk, as the transport receives it: no
 * `Readable` in between. Per chunk a `Readable` paid a buffer list, an event and its listeners,
 * and ticks for its end and close, a visible share of what a relay costs per event
 * (docs/performance.md#what-keeps-the-hot-path-cheap). Both SSE relays read their upstream
 * through this (the plain chat one and the `/v1` passthrough's).
 */

/** Where a body goes: each chunk, then exactly one of `end` or `fail`. */
export interface BodyReader {
  data(chunk: Buffer): void;
  /** The whole body arrived (the transport checked its length or chunked framing). */
  end(): void;
  /** The body broke off: the connection failed, or it was cut (`destroy`). */
  fail(error: Error): void;
}

/** A body as its one reader sees it. */
export interface StreamBody {
  /** Hand the body to `reader` (what arrived already first, at once). Call once. */
  read(reader: BodyReader): void;
  /** Stop receiving until `resume` (backpressure from a slow client). */
  pause(): void;
  resume(): void;
  /** Stop reading: the exchange is cancelled, and an open reader gets `fail`. */
  destroy(): void;
}

/** What drives the exchange underneath (an undici dispatch controller fits). */
export interface BodyControl {
  pause(): void;
  resume(): void;
  abort(reason: Error): void;
}

/** What `destroy` fails the body with (the reader is ending it itself). */
function bodyCutError(): Error {
  const error = new Error('The reader stopped reading the upstream answer.');
  error.name = 'AbortError';
  return error;
}

/** Bytes held for a reader not there yet before the exchange is paused until it comes. */
const HOLD_LIMIT = 64 * 1024;

/** A body the transport pushes into (`pushData`, then one `settle`). */
export class PushedBody implements StreamBody {
  private reader: BodyReader | null = null;
  /** Chunks that arrived before `read` (the body often comes with the headers). */
  private held: Buffer[] | null = null;
  private heldLength = 0;
  /** Paused because no reader came while `HOLD_LIMIT` bytes arrived (backpressure, as a Readable's high-water mark). */
  private isHeldBack = false;
  /** Paused by the reader (`pause`) and not resumed. */
  private isPausedByReader = false;
  /** How the body ended before `read`: 'end', or the error. */
  private ending: 'end' | Error | null = null;
  private isSettled = false;
  private isDestroyed = false;

  constructor(private readonly control: BodyControl) {}

  /** Bytes arrived and waiting for `read`. */
  get heldBytes(): number {
    return this.heldLength;
  }

  read(reader: BodyReader): void {
    this.reader = reader;
    const held = this.held;
    this.held = null;
    this.heldLength = 0;
    if (held !== null)
      for (const chunk of held) {
        // The reader gave up on an earlier chunk: its `fail` comes when the exchange stops.
        if (this.isDestroyed) return;
        reader.data(chunk);
      }
    if (this.isDestroyed) return;
    const ending = this.ending;
    if (ending === 'end') reader.end();
    else if (ending !== null) reader.fail(ending);
    else if (this.isHeldBack) {
      this.isHeldBack = false;
      if (!this.isPausedByReader) this.control.resume();
    }
  }

  pause(): void {
    this.isPausedByReader = true;
    this.control.pause();
  }

  resume(): void {
    this.isPausedByReader = false;
    this.control.resume();
  }

  destroy(): void {
    if (this.isSettled || this.isDestroyed) return;
    this.isDestroyed = true;
    this.control.abort(bodyCutError());
  }

  /** From the transport: a chunk of the body. */
  pushData(chunk: Buffer): void {
    if (this.reader !== null) {
      this.reader.data(chunk);
      return;
    }
    (this.held ??= []).push(chunk);
    this.heldLength += chunk.length;
    if (this.heldLength > HOLD_LIMIT && !this.isHeldBack) {
      this.isHeldBack = true;
      this.control.pause();
    }
  }

  /** From the transport: the body ended (`'end'`) or broke off. Later calls do nothing. */
  settle(ending: 'end' | Error): void {
    if (this.isSettled) return;
    this.isSettled = true;
    if (this.reader === null) this.ending = ending;
    else if (ending === 'end') this.reader.end();
    else this.reader.fail(ending);
  }
}

/**
 * A body of chunks already in hand (a replayed recording, a test's upstream): delivered on a
 * later microtask, as a socket would, and held back while paused.
 */
export function bodyOfChunks(chunks: readonly Buffer[]): StreamBody {
  let reader: BodyReader | null = null;
  let next = 0;
  let isPaused = false;
  let isOver = false;
  const pump = (): void => {
    while (reader !== null && !isPaused && !isOver) {
      const chunk = chunks[next];
      if (chunk === undefined) {
        isOver = true;
        reader.end();
      } else {
        next++;
        reader.data(chunk);
      }
    }
  };
  return {
    read(to) {
      reader = to;
      queueMicrotask(pump);
    },
    pause() {
      isPaused = true;
    },
    resume() {
      if (!isPaused) return;
      isPaused = false;
      queueMicrotask(pump);
    },
    destroy() {
      if (isOver) return;
      isOver = true;
      reader?.fail(bodyCutError());
    },
  };
}

/** A body with `onSettled` called once when it ends, fails or is destroyed. */
export function followSettle(body: StreamBody, onSettled: () => void): StreamBody {
  let isSettled = false;
  const settled = (): void => {
    if (isSettled) return;
    isSettled = true;
    onSettled();
  };
  return {
    read(reader) {
      body.read({
        data: (chunk) => reader.data(chunk),
        end() {
          settled();
          reader.end();
        },
        fail(error) {
          settled();
          reader.fail(error);
        },
      });
    },
    pause: () => body.pause(),
    resume: () => body.resume(),
    destroy() {
      body.destroy();
      settled();
    },
  };
}

/** The whole body (an error answer's text, say). */
export function readWholeBody(body: StreamBody): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    body.read({
      data: (chunk) => chunks.push(chunk),
      end: () => resolve(Buffer.concat(chunks)),
      fail: reject,
    });
  });
}
