/**
 * The chunks of one socket read, relayed together. A server writes each SSE event as its own
 * HTTP chunk and the HTTP client hands over each; a relay writing per chunk paid a write and a
 * chunk frame per event. Chunks added during one read are joined with the bytes the relay left
 * unsent before (an incomplete event or line) and handed to `relay` once the read's callback
 * returns: a microtask, so nothing waits. Used by both SSE relays (plain chat and `/v1`).
 */
export class ReadBatch {
  /** What the relay left unsent last time (it returns it), put in front of the next bytes. */
  pending: Buffer | null = null;
  private arrived: Buffer[] = [];
  private isQueued = false;
  private isClosed = false;
  private readonly flushQueued = (): void => this.flush();

  /** `relay` sends what it can of `bytes` and returns the rest (null: nothing left). */
  constructor(private readonly relay: (bytes: Buffer) => Buffer | null) {}

  add(chunk: Buffer): void {
    if (this.isClosed) return;
    this.arrived.push(chunk);
    if (this.isQueued) return;
    this.isQueued = true;
    queueMicrotask(this.flushQueued);
  }

  /** Relay what arrived now (at the end of a stream, say), not at the microtask. */
  flush(): void {
    this.isQueued = false;
    if (this.isClosed || this.arrived.length === 0) return;
    const pieces = this.pending === null ? this.arrived : [this.pending, ...this.arrived];
    this.arrived = [];
    this.pending = this.relay(pieces.length === 1 ? (pieces[0] as Buffer) : Buffer.concat(pieces));
  }

  /** The stream is over: later chunks and flushes do nothing. */
  close(): void {
    this.isClosed = true;
    this.arrived = [];
  }
}
