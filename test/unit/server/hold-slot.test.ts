import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { createAdmission } from '../../../src/server/admission';
import { tryHoldSlot, waitForSlot } from '../../../src/server/hold-slot';
import { emitCloseWithConnection } from '../../../src/server/response-closed';

/** What the slot code reads of a response: 'close', and whether it has closed. */
function fakeResponse(): ServerResponse & { close(): void } {
  const response = Object.assign(new EventEmitter(), { closed: false, destroyed: false });
  return Object.assign(response, {
    close() {
      response.closed = true;
      response.emit('close');
    },
  }) as unknown as ServerResponse & { close(): void };
}

describe('holding an admission slot until the response closes', () => {
  it('releases the slot on close, and takes none for a response already closed', () => {
    const admission = createAdmission({ maxConcurrent: 1, maxQueued: 1, queueTimeoutMs: 1000 });
    const first = fakeResponse();
    expect(typeof tryHoldSlot(admission, first)).toBe('function');
    expect(admission.stats().running).toBe(1);
    first.close();
    expect(admission.stats().running).toBe(0);
    const closed = fakeResponse();
    closed.close();
    expect(tryHoldSlot(admission, closed)).toBe('closed');
    expect(admission.stats().running).toBe(0);
  });

  it('gives back a slot granted to a response that closed just before (the race that leaked it)', async () => {
    const admission = createAdmission({ maxConcurrent: 1, maxQueued: 1, queueTimeoutMs: 1000 });
    const holder = fakeResponse();
    tryHoldSlot(admission, holder);
    const queued = fakeResponse();
    const waiting = waitForSlot(admission, queued);
    // The slot is granted, then the queued response closes before its handler runs on.
    holder.close();
    (queued as unknown as { closed: boolean }).closed = true;
    await expect(waiting).resolves.toBe('closed');
    expect(admission.stats().running).toBe(0);
  });

  it('reads a pipelined response closed with its connection as closed', () => {
    const admission = createAdmission({ maxConcurrent: 1, maxQueued: 1, queueTimeoutMs: 1000 });
    const pipelined = fakeResponse();
    emitCloseWithConnection(pipelined);
    expect(tryHoldSlot(admission, pipelined)).toBe('closed');
    expect(admission.stats().running).toBe(0);
  });
});
