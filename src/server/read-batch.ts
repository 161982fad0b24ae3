/**
 * The chunks of one socket read, relayed together. A server writes each SSE event as its own
 * HTTP chunk and the HTTP client hands over each; a relay writing per chunk paid a write and a
 * chunk frame per event. Chunks added during one read are joined with the bytes the relay left
 * unsent before (an incomplete event or line) and handed to `relay` once the read's callback
 * returns: a microtask, so nothing waits. Used by both SSE relays (plain chat and `/v1`).
 * At a real server's pace a read holds one event, so the first chunk of a read waits in a slot
 * of its own and only a second one starts a list: no array per event.
 *
 * An incomplete line or event is held as the chunks it came in, and the relay sees it again only
 * once a chunk may complete it: a line end (LF or CR) for a relay of lines, a blank line for a
 * relay of events. A long line or event costs one join, not one per read (joining at every read
 * made a 64 MiB line, or a 15 MiB event of short lines, cost seconds of CPU, growing with its
 * square). What is held is bounded: past `maxHeldBytes` the batch closes and calls `onOverflow`,
 * and the relay ends the stream as broken (docs/hardening.md).
 */

/** The most an incomplete line or event may hold: vLLM's largest events (`echo` with prompt logprobs) are a few MiB. */
export const MAX_HELD_EVENT_BYTES = 16 * 1024 * 1024;

const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/** What the relay waits for to complete what it held: a line end, or a blank line (an event's end). */
export type HeldUntil = 'line' | 'event';

function isLineEnd(byte: number | undefined): boolean {
  return byte === LINE_FEED || byte === CARRIAGE_RETURN;
}

const LF_LF = Buffer.from('\n\n');
const CR_CR = Buffer.from('\r\r');
/** Inside CRLF's blank line (`\r\n\r\n`) and a mixed one (`\n\r\n`). */
const LF_CR = Buffer.from('\n\r');

/** Whether `chunk`, after a byte `before`, may hold what completes a held line or event. */
function mayComplete(until: HeldUntil, before: number | undefined, chunk: Buffer): boolean {
  if (until === 'line') return chunk.includes(LINE_FEED) || chunk.includes(CARRIAGE_RETURN);
  return (
    (isLineEnd(before) && isLineEnd(chunk[0])) ||
    chunk.includes(LF_LF) ||
    chunk.includes(CR_CR) ||
    chunk.includes(LF_CR)
  );
}

export class ReadBatch {
  /** What the relay left unsent (an incomplete line or event), or null. */
  private rest: Buffer | null = null;
  /** Chunks that came after `rest` with no line end, held unjoined (null: none). */
  private extra: Buffer[] | null = null;
  private heldBytes = 0;
  /** The read's first chunk, and the rest (null until a second one comes). */
  private first: Buffer | null = null;
  private more: Buffer[] | null = null;
  private isQueued = false;
  private isClosed = false;
  private readonly flushQueued = (): void => this.flush();

  /**
   * `relay` sends what it can of `bytes` and returns the rest (null: nothing left); `held` bytes
   * at the start are what it returned before (and chunks with no line end since), which it
   * already searched, so it may go on from there. `onOverflow` hears that the rest grew past
   * `maxHeldBytes` (the batch is closed by then).
   */
  constructor(
    private readonly relay: (bytes: Buffer, held: number) => Buffer | null,
    private readonly onOverflow: () => void,
    private readonly until: HeldUntil = 'line',
    private readonly maxHeldBytes = MAX_HELD_EVENT_BYTES,
  ) {}

  /** What the relay left unsent last time (an incomplete line or event), or null. */
  get pending(): Buffer | null {
    if (this.extra !== null && this.rest !== null) {
      this.rest = Buffer.concat([this.rest, ...this.extra], this.heldBytes);
      this.extra = null;
    }
    return this.rest;
  }

  add(chunk: Buffer): void {
    if (this.isClosed) return;
    if (this.first === null) this.first = chunk;
    else (this.more ??= []).push(chunk);
    if (this.isQueued) return;
    this.isQueued = true;
    queueMicrotask(this.flushQueued);
  }

  /** Relay what arrived now (at the end of a stream, say), not at the microtask. */
  flush(): void {
    this.isQueued = false;
    const first = this.first;
    if (this.isClosed || first === null) return;
    const more = this.more;
    this.first = null;
    this.more = null;
    const rest = this.rest;
    if (rest === null) {
      this.keep(this.relay(more === null ? first : Buffer.concat([first, ...more]), 0));
      return;
    }
    // What is held waits while nothing in the new bytes can complete it.
    if (!this.mayCompleteWith(first, more)) {
      const extra = (this.extra ??= []);
      extra.push(first);
      this.heldBytes += first.length;
      if (more !== null)
        for (const chunk of more) {
          extra.push(chunk);
          this.heldBytes += chunk.length;
        }
      this.checkSize();
      return;
    }
    const parts = [rest, ...(this.extra ?? []), first, ...(more ?? [])];
    const held = this.heldBytes;
    this.rest = null;
    this.extra = null;
    this.keep(this.relay(Buffer.concat(parts), held));
  }

  /** The stream is over: later chunks and flushes do nothing. */
  close(): void {
    this.isClosed = true;
    this.first = null;
    this.more = null;
  }

  private mayCompleteWith(first: Buffer, more: Buffer[] | null): boolean {
    const extra = this.extra;
    const last = extra === null ? (this.rest as Buffer) : (extra[extra.length - 1] as Buffer);
    let before = last[last.length - 1];
    if (mayComplete(this.until, before, first)) return true;
    if (more === null) return false;
    before = first[first.length - 1];
    for (const chunk of more) {
      if (mayComplete(this.until, before, chunk)) return true;
      before = chunk[chunk.length - 1];
    }
    return false;
  }

  private keep(rest: Buffer | null): void {
    this.rest = rest;
    this.heldBytes = rest === null ? 0 : rest.length;
    if (rest !== null) this.checkSize();
  }

  private checkSize(): void {
    if (this.heldBytes <= this.maxHeldBytes || this.isClosed) return;
    this.close();
    this.rest = null;
    this.extra = null;
    this.heldBytes = 0;
    this.onOverflow();
  }
}
