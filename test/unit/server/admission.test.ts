import { OverloadedError } from '../../../src/errors';
import { createAdmission } from '../../../src/server/admission';

describe('createAdmission', () => {
  it('admits up to maxConcurrent at once, queues FIFO, then refuses with Retry-After', async () => {
    const admission = createAdmission({ maxConcurrent: 2, maxQueued: 1, queueTimeoutMs: 5000 });
    const first = await admission.acquire();
    const second = await admission.acquire();
    const order: string[] = [];
    const queued = admission.acquire().then((release) => {
      order.push('queued');
      return release;
    });
    await expect(admission.acquire()).rejects.toBeInstanceOf(OverloadedError);
    expect(admission.stats()).toEqual({ running: 2, queued: 1, rejected: 1 });
    first();
    const third = await queued;
    expect(order).toEqual(['queued']);
    second();
    third();
    expect(admission.stats().running).toBe(0);
  });

  it('tryAcquire admits at once while there is room, else answers null without queueing', async () => {
    const admission = createAdmission({ maxConcurrent: 1, maxQueued: 1, queueTimeoutMs: 5000 });
    const release = admission.tryAcquire();
    expect(release).not.toBeNull();
    expect(admission.tryAcquire()).toBeNull();
    expect(admission.stats()).toEqual({ running: 1, queued: 0, rejected: 0 });
    const queued = admission.acquire();
    release?.();
    const next = await queued;
    expect(admission.stats()).toEqual({ running: 1, queued: 0, rejected: 0 });
    next();
    expect(admission.stats().running).toBe(0);
  });

  it('ignores double releases', async () => {
    const admission = createAdmission({ maxConcurrent: 1, maxQueued: 0, queueTimeoutMs: 1000 });
    const release = await admission.acquire();
    release();
    release();
    expect(admission.stats().running).toBe(0);
  });

  it('times out a queued request with a 429-type error', async () => {
    jest.useFakeTimers();
    try {
      const admission = createAdmission({ maxConcurrent: 1, maxQueued: 5, queueTimeoutMs: 2000 });
      await admission.acquire();
      const waiting = admission.acquire();
      jest.advanceTimersByTime(2001);
      await expect(waiting).rejects.toMatchObject({ retryAfterSeconds: 2 });
      expect(admission.stats().queued).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('drops a queued request whose client went away', async () => {
    const admission = createAdmission({ maxConcurrent: 1, maxQueued: 5, queueTimeoutMs: 10000 });
    await admission.acquire();
    const controller = new AbortController();
    const waiting = admission.acquire(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    expect(admission.stats().queued).toBe(0);
  });

  it("serves queued requests owner by owner: one key's many wait in one turn", async () => {
    const admission = createAdmission({ maxConcurrent: 1, maxQueued: 10, queueTimeoutMs: 5000 });
    const first = await admission.acquire();
    const busy = {};
    const other = {};
    const order: string[] = [];
    // Each admitted request finishes at once, handing its slot to the next in turn.
    const wait = (owner: object, name: string): Promise<void> =>
      admission.acquire(undefined, owner).then((release) => {
        order.push(name);
        release();
      });
    const queued = [
      wait(busy, 'busy-1'),
      wait(busy, 'busy-2'),
      wait(busy, 'busy-3'),
      wait(other, 'other-1'),
    ];
    first();
    await Promise.all(queued);
    // First come, first served would have put other-1 last.
    expect(order).toEqual(['busy-1', 'other-1', 'busy-2', 'busy-3']);
    expect(admission.stats()).toEqual({ running: 0, queued: 0, rejected: 0 });
  });

  it('gives a newcomer the place of the newest request of the key holding most of a full queue', async () => {
    const admission = createAdmission({ maxConcurrent: 1, maxQueued: 3, queueTimeoutMs: 5000 });
    const first = await admission.acquire();
    const busy = {};
    const other = {};
    const outcomes: string[] = [];
    const wait = (owner: object | undefined, name: string): Promise<void> =>
      admission.acquire(undefined, owner).then(
        (release) => {
          outcomes.push(`${name} admitted`);
          release();
        },
        (error: unknown) => {
          expect(error).toBeInstanceOf(OverloadedError);
          outcomes.push(`${name} refused`);
        },
      );
    const runs = [wait(busy, 'busy-1'), wait(busy, 'busy-2'), wait(busy, 'busy-3')];
    // Full: the other key's request takes busy-3's place, busy-3 gets the 429.
    runs.push(wait(other, 'other-1'));
    // Now busy holds 2 and other 1: no owner holds two more than other, so the next is refused.
    runs.push(wait(other, 'other-2'));
    // busy itself never evicts its own.
    runs.push(wait(busy, 'busy-4'));
    await Promise.resolve();
    expect(admission.stats()).toMatchObject({ queued: 3, rejected: 3 });
    first();
    await Promise.all(runs);
    expect(outcomes.filter((line) => line.endsWith('refused')).sort()).toEqual([
      'busy-3 refused',
      'busy-4 refused',
      'other-2 refused',
    ]);
    expect(outcomes.filter((line) => line.endsWith('admitted'))).toEqual([
      'busy-1 admitted',
      'other-1 admitted',
      'busy-2 admitted',
    ]);
  });

  it('keeps requests without an owner first come, first served, a full queue refusing the newcomer', async () => {
    const admission = createAdmission({ maxConcurrent: 1, maxQueued: 2, queueTimeoutMs: 5000 });
    const first = await admission.acquire();
    const order: string[] = [];
    const a = admission.acquire().then((release) => {
      order.push('a');
      release();
    });
    const b = admission.acquire().then((release) => {
      order.push('b');
      release();
    });
    await expect(admission.acquire()).rejects.toBeInstanceOf(OverloadedError);
    first();
    await Promise.all([a, b]);
    expect(order).toEqual(['a', 'b']);
  });
});
