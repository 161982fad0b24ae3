import type { ServerResponse } from 'node:http';
import pino from 'pino';
import { startStalledWriteSweep } from '../../../src/server/stalled-writes';

/** A response as the sweep reads it: queued bytes and the socket's counters. */
function fakeResponse(): {
  response: ServerResponse;
  set(queued: number, dispatched: number): void;
  destroyed: () => boolean;
} {
  let destroyed = false;
  const socket = { bytesWritten: 0, writableLength: 0 };
  const state = { writableLength: 0 };
  const response = {
    get writableLength() {
      return state.writableLength;
    },
    socket,
    req: { method: 'POST', url: '/v1/chat/completions' },
    getHeader: () => undefined,
    destroy: () => {
      destroyed = true;
    },
  } as unknown as ServerResponse;
  return {
    response,
    set(queued, dispatched) {
      state.writableLength = queued;
      socket.writableLength = queued;
      socket.bytesWritten = dispatched + queued;
    },
    destroyed: () => destroyed,
  };
}

describe('startStalledWriteSweep', () => {
  it('cuts a response only after its queued bytes stood still for the whole timeout', () => {
    let clock = 0;
    const stuck = fakeResponse();
    const slow = fakeResponse();
    const waiting = fakeResponse();
    const sweep = startStalledWriteSweep({
      responses: () => [stuck.response, slow.response, waiting.response],
      stallMs: 1000,
      logger: pino({ level: 'silent' }),
      now: () => clock,
    });
    try {
      stuck.set(4096, 10_000);
      slow.set(4096, 10_000);
      waiting.set(0, 500);
      for (let step = 1; step <= 5; step++) {
        clock = step * 400;
        // The slow reader takes a little each time; the waiting one has nothing queued.
        slow.set(4096, 10_000 + step * 10);
        sweep.sweep();
      }
      expect(stuck.destroyed()).toBe(true);
      expect(slow.destroyed()).toBe(false);
      expect(waiting.destroyed()).toBe(false);
    } finally {
      sweep.stop();
    }
  });

  it('starts the clock again when the bytes move', () => {
    let clock = 0;
    const flaky = fakeResponse();
    const sweep = startStalledWriteSweep({
      responses: () => [flaky.response],
      stallMs: 1000,
      logger: pino({ level: 'silent' }),
      now: () => clock,
    });
    try {
      flaky.set(100, 0);
      sweep.sweep();
      clock = 900;
      sweep.sweep();
      flaky.set(100, 50);
      clock = 1000;
      sweep.sweep();
      // Still within the timeout of the last move (at 1000).
      clock = 1900;
      expect(sweep.sweep()).toBe(0);
      clock = 2000;
      expect(sweep.sweep()).toBe(1);
      expect(flaky.destroyed()).toBe(true);
    } finally {
      sweep.stop();
    }
  });
});
