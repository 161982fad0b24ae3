import { fanOut } from '../../../../src/upstream/stacks';
import { isAbortLike } from './policy-conformance';

/** A promise resolved from outside, to finish tasks in a chosen order without timers. */
function deferred<T>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
} {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('fanOut', () => {
  it('keeps results in item order whatever order the tasks finish in', async () => {
    const gates = [deferred<string>(), deferred<string>(), deferred<string>()];
    const pending = fanOut([0, 1, 2], (item) => gates[item]!.promise, { concurrency: 3 });
    gates[2]!.resolve('c');
    gates[0]!.resolve('a');
    gates[1]!.resolve('b');
    await expect(pending).resolves.toEqual(['a', 'b', 'c']);
  });

  it('never runs more than `concurrency` tasks at once and runs every item once', async () => {
    let running = 0;
    let peak = 0;
    const seen: number[] = [];
    const results = await fanOut(
      Array.from({ length: 10 }, (_, i) => i),
      async (item) => {
        running++;
        peak = Math.max(peak, running);
        seen.push(item);
        await flush();
        running--;
        return item * 2;
      },
      { concurrency: 3 },
    );
    expect(peak).toBe(3);
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(results).toEqual(Array.from({ length: 10 }, (_, i) => i * 2));
  });

  it('returns [] for no items without calling the task', async () => {
    const task = jest.fn();
    await expect(fanOut([], task, { concurrency: 4 })).resolves.toEqual([]);
    expect(task).not.toHaveBeenCalled();
  });

  it('rejects with the first failure, aborts the running tasks and starts no new one', async () => {
    const started: number[] = [];
    const aborted: number[] = [];
    const failure = new Error('boom');
    const pending = fanOut(
      [0, 1, 2, 3, 4],
      (item, _index, signal) => {
        started.push(item);
        if (item === 1) return Promise.reject(failure);
        return new Promise<number>((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            aborted.push(item);
            reject(new Error(`aborted ${item}`));
          });
        });
      },
      { concurrency: 2 },
    );
    await expect(pending).rejects.toBe(failure);
    expect(started).toEqual([0, 1]);
    expect(aborted).toEqual([0]);
  });

  it('rejects with an abort error and aborts the running tasks when the caller aborts', async () => {
    const controller = new AbortController();
    const aborted: number[] = [];
    const pending = fanOut(
      [0, 1, 2],
      (item, _index, signal) =>
        new Promise<number>((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            aborted.push(item);
            reject(new Error('upstream request cancelled'));
          });
        }),
      { concurrency: 2, signal: controller.signal },
    );
    await flush();
    controller.abort();
    const error: unknown = await pending.catch((reason: unknown) => reason);
    expect(isAbortLike(error)).toBe(true);
    expect(aborted.sort()).toEqual([0, 1]);
  });

  it('rejects at once when the signal already fired', async () => {
    const controller = new AbortController();
    controller.abort();
    const task = jest.fn();
    const error: unknown = await fanOut([1], task, {
      concurrency: 1,
      signal: controller.signal,
    }).catch((reason: unknown) => reason);
    expect(isAbortLike(error)).toBe(true);
    expect(task).not.toHaveBeenCalled();
  });
});
