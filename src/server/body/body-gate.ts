/**
 * A bound on request bodies, in count (being received at once) and in bytes (received and not
 * yet answered: a parsed body lives as long as its request). Bodies are read before a request
 * takes an admission slot (so a slow body never holds one); this bound keeps what they cost in
 * memory finite. Beyond it a request is refused at once (429).
 */
import { OverloadedError } from '../../errors';

export interface BodyGateOptions {
  maxBodies: number;
  maxBytes: number;
}

export interface BodyTicket {
  /** Count `bytes` more against the byte bound; false when that would exceed it. */
  add(bytes: number): boolean;
  /** Give the ticket's count back, keep its bytes: the body is received, its bytes still held. */
  releaseCount(): void;
  /** Give the ticket's count and bytes back (idempotent). */
  release(): void;
}

export interface BodyGate {
  /** A ticket for one body, or OverloadedError when the count bound is reached. */
  enter(): BodyTicket;
  stats(): { bodies: number; bytes: number; refused: number };
}

export function createBodyGate(options: BodyGateOptions): BodyGate {
  let bodies = 0;
  let bytes = 0;
  let refused = 0;
  return {
    enter() {
      if (bodies >= options.maxBodies) {
        refused++;
        throw new OverloadedError('Too many request bodies are being received; retry later.', 1);
      }
      bodies++;
      let held = 0;
      let isOpen = true;
      let isCounted = true;
      const releaseCount = (): void => {
        if (!isCounted) return;
        isCounted = false;
        bodies--;
      };
      return {
        add(more) {
          if (!isOpen) return true;
          if (bytes + more > options.maxBytes) {
            refused++;
            return false;
          }
          bytes += more;
          held += more;
          return true;
        },
        releaseCount,
        release() {
          if (!isOpen) return;
          isOpen = false;
          releaseCount();
          bytes -= held;
        },
      };
    },
    stats: () => ({ bodies, bytes, refused }),
  };
}
