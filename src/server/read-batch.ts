/**
 * The chunks of one socket read, relayed together. A server writes each SSE event as its own
 * HTTP chunk and the HTTP client hands over each; a relay writing per chunk paid a write and a
 * chunk frame per event. Chunks added during one read are joined with the bytes the relay left
 * unsent before (an incomplete event or line) and handed to `relay` once the read's callback
 * returns: a microtask, so nothing waits. Used by both SSE relays (plain chat and `/v1`).
 * At a real server's pace a read holds one event, so the first chunk of a read waits in a slot
 * of its own and only a second one starts a list: no array per event.
 */
export class ReadBatch {
  /** What the relay left unsent last time (it returns it), put in front of the next bytes. */
  pending: Buffer | null = null;
  /** The read's first chunk, and the rest (null until a second one comes). */
  private first: Buffer | null = null;
  private more: Buffer[] | null = null;
  private isQueued = false;
  private isClosed = false;
  private readonly flushQueued = (): void => this.flush();

  /** `relay` sends what it can of `bytes` and returns the rest (null: nothing left). */
  constructor(private readonly relay: (bytes: Buffer) => Buffer | null) {}

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
    const pending = this.pending;
    this.pending = this.relay(
      more === null
        ? pending === null
          ? first
          : Buffer.concat([pending, first])
        : Buffer.concat(pending === null ? [first, ...more] : [pending, first, ...more]),
    );
  }

  /** The stream is over: later chunks and flushes do nothing. */
  close(): void {
    this.isClosed = true;
    this.first = null;
    this.more = null;
  }
}
