/**
 * The in-flight registry behind the shutdown drain (src/server/in-flight-responses.ts): slots are
 * cleared when a response leaves and reused by the next, so the registry holds exactly the
 * responses being served and nothing it has let go.
 */
import { ServerResponse, IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { InFlightResponses } from '../../../src/server/in-flight-responses';

function response(): ServerResponse {
  return new ServerResponse(new IncomingMessage(new Socket()));
}

describe('InFlightResponses', () => {
  it('counts what is added and removed, each response once', () => {
    const running = new InFlightResponses();
    const [a, b] = [response(), response()];
    running.add(a, 1);
    running.add(b, 2);
    expect(running.size).toBe(2);
    expect(running.remove(a)).toBe(true);
    expect(running.remove(a)).toBe(false);
    expect(running.remove(response())).toBe(false);
    expect(running.size).toBe(1);
    expect(running.entries()).toEqual([[b, 2]]);
  });

  it('reuses a cleared slot and keeps no reference to a response it let go', () => {
    const running = new InFlightResponses();
    const first = response();
    running.add(first, 1);
    running.remove(first);
    const second = response();
    running.add(second, 5);
    expect(running.entries()).toEqual([[second, 5]]);
    // The freed slot was taken again: the table did not grow.
    const slots = (running as unknown as { responses: unknown[] }).responses;
    expect(slots).toEqual([second]);
    running.remove(second);
    expect(slots).toEqual([null]);
  });

  it('tracks as many at once as come, and lists them with when each started', () => {
    const running = new InFlightResponses();
    const many = Array.from({ length: 40 }, () => response());
    many.forEach((r, i) => running.add(r, i));
    for (const r of many.filter((_, i) => i % 2 === 0)) running.remove(r);
    expect(running.size).toBe(20);
    expect(running.entries()).toEqual(
      many.map((r, i) => [r, i] as const).filter(([, i]) => i % 2 === 1),
    );
  });
});
