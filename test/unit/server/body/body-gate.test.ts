import { OverloadedError } from '../../../../src/errors';
import { createBodyGate } from '../../../../src/server/body/body-gate';

describe('createBodyGate', () => {
  it('bounds bodies in count and bytes, and gives both back on release', () => {
    const gate = createBodyGate({ maxBodies: 2, maxBytes: 100 });
    const first = gate.enter();
    const second = gate.enter();
    expect(() => gate.enter()).toThrow(OverloadedError);
    expect(first.add(60)).toBe(true);
    expect(second.add(50)).toBe(false);
    expect(second.add(40)).toBe(true);
    expect(gate.stats()).toEqual({ bodies: 2, bytes: 100, refused: 2 });
    first.release();
    first.release();
    expect(gate.stats()).toMatchObject({ bodies: 1, bytes: 40 });
    expect(gate.enter().add(60)).toBe(true);
  });

  it("gives a received body's count back at once and its bytes only on release", () => {
    const gate = createBodyGate({ maxBodies: 1, maxBytes: 100 });
    const received = gate.enter();
    expect(received.add(80)).toBe(true);
    received.releaseCount();
    received.releaseCount();
    // Another body may be received now, but the first one's bytes still count.
    const next = gate.enter();
    expect(next.add(30)).toBe(false);
    expect(gate.stats()).toMatchObject({ bodies: 1, bytes: 80 });
    received.release();
    expect(gate.stats()).toMatchObject({ bodies: 1, bytes: 0 });
    expect(next.add(30)).toBe(true);
  });
});
