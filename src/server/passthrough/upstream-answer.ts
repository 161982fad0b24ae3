/**
 * The upstream's answer to a passthrough request once its status and headers are in. Its body
 * is pushed to one reader (`read`), chunk by chunk as undici receives it: no Readable stream and
 * no events in between, which was most of what the Node `http` client cost a short answer here
 * beyond what the relay itself does.
 */
import type { Dispatcher } from 'undici';

/** Where the body goes: each chunk, then exactly one of `end` or `fail`. */
export interface AnswerReader {
  data(chunk: Buffer): void;
  /** The whole body arrived (undici checked it against its length or chunked framing). */
  end(): void;
  /** The body broke off: the connection failed, or it was cut (`destroy`). */
  fail(error: Error): void;
}

export type AnswerHeaders = Record<string, string | string[] | undefined>;

/** What `destroy` fails the body with (the relay is ending it itself). */
function cutError(): Error {
  const error = new Error('The passthrough stopped reading the upstream answer.');
  error.name = 'AbortError';
  return error;
}

export class UpstreamAnswer {
  private reader: AnswerReader | null = null;
  /** Chunks that arrived before `read` (the body often comes with the headers). */
  private held: Buffer[] | null = null;
  /** How the body ended before `read`: 'end', or the error. */
  private ending: 'end' | Error | null = null;
  private isSettled = false;

  constructor(
    readonly status: number,
    readonly headers: AnswerHeaders,
    private readonly controller: Dispatcher.DispatchController,
  ) {}

  /** The first value of a header (lower-case name). */
  header(name: string): string | undefined {
    const value = this.headers[name];
    return Array.isArray(value) ? value[0] : value;
  }

  /** Hand the body to `reader` (what arrived already first). Call once. */
  read(reader: AnswerReader): void {
    this.reader = reader;
    const held = this.held;
    this.held = null;
    if (held !== null) for (const chunk of held) reader.data(chunk);
    const ending = this.ending;
    if (ending === 'end') reader.end();
    else if (ending !== null) reader.fail(ending);
  }

  /** Stop receiving until `resume` (backpressure from a slow client). */
  pause(): void {
    this.controller.pause();
  }

  resume(): void {
    this.controller.resume();
  }

  /** Stop reading: the upstream connection is closed, the reader gets `fail` if still open. */
  destroy(): void {
    if (this.isSettled) return;
    this.controller.abort(cutError());
  }

  /** From the dispatch handler: a chunk of the body. */
  pushData(chunk: Buffer): void {
    if (this.reader !== null) this.reader.data(chunk);
    else (this.held ??= []).push(chunk);
  }

  /** From the dispatch handler: the body ended (`'end'`) or broke off. */
  settle(ending: 'end' | Error): void {
    if (this.isSettled) return;
    this.isSettled = true;
    if (this.reader === null) this.ending = ending;
    else if (ending === 'end') this.reader.end();
    else this.reader.fail(ending);
  }
}
