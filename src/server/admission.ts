/**
 * A bounded admission queue for the proxy itself. vLLM queues without limit and never says 429,
 * so overload would otherwise show up as unbounded latency and memory here. At most
 * `maxConcurrent` requests run; up to `maxQueued` wait for at most `queueTimeoutMs`; anything
 * beyond is refused at once with 429 + Retry-After.
 *
 * Waiting requests are served by owner in turn (an owner is one API key; a request without one is
 * its own, so without keys the queue is first come, first served). One key that sends a thousand
 * requests then holds the others back by at most one of its own per turn, and when the queue is
 * full a newcomer of a key with fewer waiting takes the place of the newest request of the key
 * with the most (that one gets the 429 it would have been served last): a key cannot fill the
 * queue against the others.
 */
import { OverloadedError } from '../errors';

export interface AdmissionOptions {
  maxConcurrent: number;
  maxQueued: number;
  queueTimeoutMs: number;
}

export interface Admission {
  /**
   * Resolve with a release function once admitted; reject with OverloadedError when full.
   * `owner`: whose turn it waits in (the API key's caller object); absent, its own.
   */
  acquire(signal?: AbortSignal, owner?: object): Promise<() => void>;
  /**
   * Admit at once if there is room (a release function), else null: then call `acquire` to queue.
   * Lets the common, uncontended case skip the promise, the abort signal and its listeners.
   */
  tryAcquire(): (() => void) | null;
  stats(): { running: number; queued: number; rejected: number };
}

interface Waiter {
  owner: object;
  resolve: (release: () => void) => void;
  reject: (error: unknown) => void;
  timer: NodeJS.Timeout;
  onAbort: () => void;
  signal: AbortSignal | undefined;
}

export function createAdmission(options: AdmissionOptions): Admission {
  let running = 0;
  let rejected = 0;
  /** Owners with waiting requests, in the order they are served next (insertion order). */
  const queues = new Map<object, Waiter[]>();
  let queued = 0;
  const retryAfter = Math.max(1, Math.ceil(options.queueTimeoutMs / 1000));
  const atCapacity = (): OverloadedError =>
    new OverloadedError('The proxy is at capacity; retry later.', retryAfter);

  const release = (): void => {
    running -= 1;
    const next = takeNext();
    if (next) {
      clearTimeout(next.timer);
      next.signal?.removeEventListener('abort', next.onAbort);
      running += 1;
      next.resolve(once(release));
    }
  };

  return {
    tryAcquire() {
      // Queued requests go first: taking a free slot here would overtake them.
      if (running >= options.maxConcurrent || queued > 0) return null;
      running += 1;
      return once(release);
    },
    acquire(signal, owner) {
      if (running < options.maxConcurrent) {
        running += 1;
        return Promise.resolve(once(release));
      }
      if (queued >= options.maxQueued && !makeRoomFor(owner)) {
        rejected += 1;
        return Promise.reject(atCapacity());
      }
      return new Promise((resolve, reject) => {
        const waiter: Waiter = {
          owner: owner ?? {},
          resolve,
          reject,
          signal,
          timer: setTimeout(() => {
            remove(waiter);
            rejected += 1;
            reject(
              new OverloadedError(
                'The request waited too long for capacity; retry later.',
                retryAfter,
              ),
            );
          }, options.queueTimeoutMs),
          onAbort: () => {
            remove(waiter);
            clearTimeout(waiter.timer);
            const error = new Error('client went away while queued');
            error.name = 'AbortError';
            reject(error);
          },
        };
        signal?.addEventListener('abort', waiter.onAbort, { once: true });
        const queue = queues.get(waiter.owner);
        if (queue === undefined) queues.set(waiter.owner, [waiter]);
        else queue.push(waiter);
        queued += 1;
      });
    },
    stats: () => ({ running, queued, rejected }),
  };

  /** The first waiter of the owner in turn; the owner goes to the back of the turn order. */
  function takeNext(): Waiter | undefined {
    const first = queues.entries().next();
    if (first.done === true) return undefined;
    const [owner, queue] = first.value;
    const waiter = queue.shift();
    queues.delete(owner);
    if (queue.length > 0) queues.set(owner, queue);
    if (waiter !== undefined) queued -= 1;
    return waiter;
  }

  /**
   * A full queue takes a newcomer of `owner` only when another owner holds at least two more
   * waiting requests than `owner` does: that owner's newest is refused (429) in its place.
   * Requests without an owner hold one each, so among them the queue stays first come.
   */
  function makeRoomFor(owner: object | undefined): boolean {
    const own = owner === undefined ? 0 : (queues.get(owner)?.length ?? 0);
    let largest: Waiter[] | undefined;
    for (const queue of queues.values())
      if (largest === undefined || queue.length > largest.length) largest = queue;
    if (largest === undefined || largest.length < own + 2) return false;
    const evicted = largest[largest.length - 1] as Waiter;
    remove(evicted);
    clearTimeout(evicted.timer);
    evicted.signal?.removeEventListener('abort', evicted.onAbort);
    rejected += 1;
    evicted.reject(atCapacity());
    return true;
  }

  function remove(waiter: Waiter): void {
    const queue = queues.get(waiter.owner);
    const index = queue?.indexOf(waiter) ?? -1;
    if (queue === undefined || index < 0) return;
    queue.splice(index, 1);
    queued -= 1;
    if (queue.length === 0) queues.delete(waiter.owner);
  }
}

/** Make a release callable once, so a double release cannot corrupt the count. */
function once(fn: () => void): () => void {
  let called = false;
  return () => {
    if (!called) {
      called = true;
      fn();
    }
  };
}
