/**
 * A bounded admission queue for the proxy itself. vLLM queues without limit and never says 429,
 * so overload would otherwise show up as unbounded latency and memory here. At most
 * `maxConcurrent` requests run; up to `maxQueued` wait (FIFO) for at most `queueTimeoutMs`;
 * anything beyond is refused at once with 429 + Retry-After.
 */
import { OverloadedError } from '../errors';

export interface AdmissionOptions {
  maxConcurrent: number;
  maxQueued: number;
  queueTimeoutMs: number;
}

export interface Admission {
  /** Resolve with a release function once admitted; reject with OverloadedError when full. */
  acquire(signal?: AbortSignal): Promise<() => void>;
  /**
   * Admit at once if there is room (a release function), else null: then call `acquire` to queue.
   * Lets the common, uncontended case skip the promise, the abort signal and its listeners.
   */
  tryAcquire(): (() => void) | null;
  stats(): { running: number; queued: number; rejected: number };
}

interface Waiter {
  resolve: (release: () => void) => void;
  reject: (error: unknown) => void;
  timer: NodeJS.Timeout;
  onAbort: () => void;
  signal: AbortSignal | undefined;
}

export function createAdmission(options: AdmissionOptions): Admission {
  let running = 0;
  let rejected = 0;
  const queue: Waiter[] = [];
  const retryAfter = Math.max(1, Math.ceil(options.queueTimeoutMs / 1000));

  const release = (): void => {
    running -= 1;
    const next = queue.shift();
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
      if (running >= options.maxConcurrent || queue.length > 0) return null;
      running += 1;
      return once(release);
    },
    acquire(signal) {
      if (running < options.maxConcurrent) {
        running += 1;
        return Promise.resolve(once(release));
      }
      if (queue.length >= options.maxQueued) {
        rejected += 1;
        return Promise.reject(
          new OverloadedError('The proxy is at capacity; retry later.', retryAfter),
        );
      }
      return new Promise((resolve, reject) => {
        const waiter: Waiter = {
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
        queue.push(waiter);
      });
    },
    stats: () => ({ running, queued: queue.length, rejected }),
  };

  function remove(waiter: Waiter): void {
    const index = queue.indexOf(waiter);
    if (index >= 0) queue.splice(index, 1);
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
