/**
 * Shares one upstream's connections between the requests using it: at most `capacity` calls run
 * at once (the pool's connections), and when every one is busy the waiting calls are let through
 * by turns rather than in arrival order: owner by owner, and within an owner lane by lane.
 *
 * Why: one round of a large search sends up to N/M calls at once (64 at n=256), and undici's pool
 * serves its queue first come, first served. Forty such searches queued 2,560 calls, and a small
 * request arriving behind them waited for all of them: 0.67 s → 24 s in a hostile review's rig
 * (review 23, attack #3). With a lane per request, a newcomer waits for the next free connection
 * after at most one call of each other busy request. Owners carry that up a level: the requests of
 * one API key share one owner, so a key with forty searches in flight gets one turn in each
 * round, as a key with one does, instead of forty.
 *
 * A lane is one request's (`UpstreamClient.inLane`); its owner is the lane itself unless the
 * request names one. Calls that name no lane share the client's own. A waiting call whose signal
 * fires leaves the queue at once.
 */
import { abortReason, type AbortSource } from '../../util';

/** Whose calls these are: one request's, under an owner (compared by identity). */
export class Lane {
  /** The lane itself when no owner was named: the request takes turns of its own. */
  readonly owner: object;

  constructor(owner?: object) {
    this.owner = owner ?? this;
  }
}

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
  signal: AbortSource | undefined;
  onAbort: (() => void) | null;
}

/** Waiting calls by lane, in the order the lanes are served next (a Map keeps insertion order). */
type OwnerQueue = Map<Lane, Waiter[]>;

export class FairGate {
  private running = 0;
  /** Owners with waiting calls, in the order they are served next. */
  private readonly waiting = new Map<object, OwnerQueue>();
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
      let lanes = this.waiting.get(lane.owner);
      if (lanes === undefined) {
        lanes = new Map();
        this.waiting.set(lane.owner, lanes);
      }
      const queue = lanes.get(lane);
      if (queue === undefined) lanes.set(lane, [waiter]);
      else queue.push(waiter);
      this.waitingCount++;
    });
  }

  /** Give a slot back: the next owner in turn gets it, for its next lane in turn. */
  leave(): void {
    this.running--;
    this.admit();
  }

  private admit(): void {
    while (this.running < this.capacity && this.waitingCount > 0) {
      const nextOwner = this.waiting.entries().next();
      if (nextOwner.done === true) return;
      const [owner, lanes] = nextOwner.value;
      const nextLane = lanes.entries().next();
      if (nextLane.done === true) {
        this.waiting.delete(owner);
        continue;
      }
      const [lane, queue] = nextLane.value;
      const waiter = queue.shift() as Waiter;
      this.waitingCount--;
      // The lane goes to the back of its owner's order and the owner to the back of the turn
      // order (or they leave it, with nothing left to wait for).
      lanes.delete(lane);
      if (queue.length > 0) lanes.set(lane, queue);
      this.waiting.delete(owner);
      if (lanes.size > 0) this.waiting.set(owner, lanes);
      if (waiter.onAbort !== null) waiter.signal?.removeEventListener('abort', waiter.onAbort);
      this.running++;
      waiter.resolve();
    }
  }

  private drop(lane: Lane, waiter: Waiter): void {
    const lanes = this.waiting.get(lane.owner);
    const queue = lanes?.get(lane);
    const at = queue?.indexOf(waiter) ?? -1;
    if (lanes === undefined || queue === undefined || at < 0) return;
    queue.splice(at, 1);
    this.waitingCount--;
    if (queue.length === 0) lanes.delete(lane);
    if (lanes.size === 0) this.waiting.delete(lane.owner);
    waiter.reject(abortReason(waiter.signal as AbortSource));
  }
}
