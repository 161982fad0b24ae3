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
});
