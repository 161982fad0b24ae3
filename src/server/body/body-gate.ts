/**
 * A bound on the request bodies being received at once, in count and in bytes. Bodies are read
 * before a request takes an admission slot (so a slow body never holds one); this bound keeps
 * what those reads cost in memory finite. Beyond it a request is refused at once (429).
 */
import { OverloadedError } from '../../errors';

export interface BodyGateOptions {
  maxBodies: number;
  maxBytes: number;
}

export interface BodyTicket {
  /** Count `bytes` more against the byte bound; false when that would exceed it. */
  add(bytes: number): boolean;
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
        release() {
          if (!isOpen) return;
          isOpen = false;
          bodies--;
          bytes -= held;
        },
      };
    },
    stats: () => ({ bodies, bytes, refused }),
  };
}
