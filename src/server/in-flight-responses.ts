/**
 * The responses being served now, and when each started (what a shutdown drains), each in a slot
 * of an array that is reused: not a `Map`.
 *
 * Why not a `Map`: one entry per request, added and deleted, makes V8 rehash the map's table every
 * few dozen requests. Once the table had been promoted to the old generation (a quiet stretch of a
 * few seconds after start-up did it), V8 allocated each new table there too, and each table it
 * left behind kept its entries until the next mark-compact. Every response in one of those
 * tables, and all it held, then survived the scavenges and was promoted, and the proxy's
 * collections at concurrency 16 cost several times the bare hop's
 * (docs/performance.md#what-a-scavenge-keeps).
 * An array slot is cleared when its response closes, and the array only grows with the
 * concurrency, so nothing keeps a finished response.
 */
import type { ServerResponse } from 'node:http';

/** A tracked response's slot, kept on the response itself (set only while it is tracked). */
const SLOT = Symbol('inFlightSlot');
type Slotted = ServerResponse & { [SLOT]?: number };

export class InFlightResponses {
  private readonly responses: (ServerResponse | null)[] = [];
  private readonly startedAt: number[] = [];
  /** Slots cleared and not yet reused. */
  private readonly free: number[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(response: ServerResponse, startedAt: number): void {
    const slot = this.free.pop() ?? this.responses.length;
    this.responses[slot] = response;
    this.startedAt[slot] = startedAt;
    (response as Slotted)[SLOT] = slot;
    this.count++;
  }

  /** False when the response is not tracked (already removed, or never added). */
  remove(response: ServerResponse): boolean {
    const slot = (response as Slotted)[SLOT];
    if (slot === undefined || this.responses[slot] !== response) return false;
    this.responses[slot] = null;
    (response as Slotted)[SLOT] = undefined;
    this.free.push(slot);
    this.count--;
    return true;
  }

  /** The tracked responses with when each started, oldest slot first. */
  entries(): [ServerResponse, number][] {
    const out: [ServerResponse, number][] = [];
    this.responses.forEach((response, slot) => {
      if (response !== null) out.push([response, this.startedAt[slot] as number]);
    });
    return out;
  }
}
