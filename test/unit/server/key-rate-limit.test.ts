import { RateLimitError } from '../../../src/errors';
import type { Caller } from '../../../src/server/auth';
import { createKeyRateLimit } from '../../../src/server/key-rate-limit';

function clock(): { now: () => number; advance: (ms: number) => void } {
  let at = 1_000_000;
  return { now: () => at, advance: (ms) => (at += ms) };
}

const caller = (name: string, requestsPerMinute: number | null): Caller => ({
  name,
  maxBudget: null,
  requestsPerMinute,
});

describe('createKeyRateLimit', () => {
  it('lets a key burst up to its per-minute figure, then refuses with the wait until the next slot', () => {
    const time = clock();
    const limit = createKeyRateLimit(time.now);
    const sixty = caller('a', 60);
    for (let i = 0; i < 60; i++) limit(sixty);
    let thrown: unknown = null;
    try {
      limit(sixty);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(RateLimitError);
    // 60/min refills one request a second.
    expect((thrown as RateLimitError).retryAfterSeconds).toBe(1);
    time.advance(1000);
    expect(() => limit(sixty)).not.toThrow();
    expect(() => limit(sixty)).toThrow(RateLimitError);
  });

  it('keeps keys apart and never limits a key without a figure', () => {
    const time = clock();
    const limit = createKeyRateLimit(time.now);
    const slow = caller('slow', 2);
    limit(slow);
    limit(slow);
    expect(() => limit(slow)).toThrow(RateLimitError);
    expect(() => limit(caller('other', 2))).not.toThrow();
    for (let i = 0; i < 1000; i++) limit(caller('free', null));
  });

  it('states a Retry-After that is long enough for a slow key', () => {
    const time = clock();
    const limit = createKeyRateLimit(time.now);
    const slow = caller('slow', 2);
    limit(slow);
    limit(slow);
    try {
      limit(slow);
      throw new Error('expected a rate limit');
    } catch (error) {
      // 2/min: one slot every 30 s.
      expect((error as RateLimitError).retryAfterSeconds).toBe(30);
    }
    time.advance(29_000);
    expect(() => limit(slow)).toThrow(RateLimitError);
    time.advance(1_000);
    expect(() => limit(slow)).not.toThrow();
  });
});
