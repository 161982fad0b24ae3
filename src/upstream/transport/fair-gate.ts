/**
 * Shares one upstream's connections between the requests using it: at most `capacity` calls run
 * at once (the pool's connections), and when every one is busy the waiting calls are let through
 * one lane at a time, round robin, rather than in arrival order.
 *
 * Why: one round of a large search sends up to N/M calls at once (64 at n=256), and undici's pool
 * serves its queue first come, first served. Forty such searches queued 2,560 calls, and a small
 * request arriving behind them waited for all of them: 0.67 s → 24 s in a hostile review's rig
 * (review 23, attack #3). With a lane per request, a newcomer waits for the next free connection
 * after at most one call of each other busy request.
 *
 * Lanes are opaque tokens (one per request: `UpstreamClient.inLane`). Calls that name none share
 * one default lane. A waiting call whose signal fires leaves the queue at once.
 */
import { abortReason, type AbortSource } from '../../util';

/** Identifies whose calls these are; compared by identity. */
export type Lane = object;

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
  signal: AbortSource | undefined;
  onAbort: (() => void) | null;
}

export class FairGate {
  private running = 0;
  /** Lanes with waiting calls, in the order they are served next (a Map keeps insertion order). */
  private readonly waiting = new Map<Lane, Waiter[]>();
  private waitingCount = 0;

  constructor(private readonly capacity: number) {}

  /** Calls running now, and calls waiting for a connection (for tests and metrics). */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waitingCount };
  }

  /**
   * Take a slot: null when one was free (the common case, no promise made), else a promise that
   * resolves when this call's turn comes, or rejects when `signal` fires first. Every taken slot
   * is given back with `leave()`.
   */
  enter(lane: Lane, signal: AbortSource | undefined): Promise<void> | null {
    if (this.running < this.capacity && this.waitingCount === 0) {
      this.running++;
      return null;
    }
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal, onAbort: null };
      if (signal !== undefined) {
        waiter.onAbort = () => this.drop(lane, waiter);
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      const queue = this.waiting.get(lane);
      if (queue === undefined) this.waiting.set(lane, [waiter]);
      else queue.push(waiter);
      this.waitingCount++;
    });
  }

  /** Give a slot back: the next lane in turn gets it. */
  leave(): void {
    this.running--;
    this.admit();
  }

  private admit(): void {
    while (this.running < this.capacity && this.waitingCount > 0) {
      const next = this.waiting.entries().next();
      if (next.done === true) return;
      const [lane, queue] = next.value;
      const waiter = queue.shift() as Waiter;
      this.waitingCount--;
      // The lane goes to the back of the turn order (or leaves it, with nothing left to wait for).
      this.waiting.delete(lane);
      if (queue.length > 0) this.waiting.set(lane, queue);
      if (waiter.onAbort !== null) waiter.signal?.removeEventListener('abort', waiter.onAbort);
      this.running++;
      waiter.resolve();
    }
  }

  private drop(lane: Lane, waiter: Waiter): void {
    const queue = this.waiting.get(lane);
    const at = queue?.indexOf(waiter) ?? -1;
    if (queue === undefined || at < 0) return;
    queue.splice(at, 1);
    this.waitingCount--;
    if (queue.length === 0) this.waiting.delete(lane);
    waiter.reject(abortReason(waiter.signal as AbortSource));
  }
}
