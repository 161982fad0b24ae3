/**
 * Passthrough, the server's own dependency: a chat request that asks for no test-time scaling goes
 * to the model's policy upstream unchanged. `upstream/` implements it beside `ModelBackend`; the
 * pipeline never sees it (it does not forward anything).
 */
import type { Readable } from 'node:stream';

export type ForwardResult =
  | { kind: 'json'; status: number; body: unknown }
  | { kind: 'stream'; status: number; body: Readable };

export interface ChatForwarder {
  /** Send a plain chat request (already mapped to the served name) to the policy upstream. */
  forwardChat(body: Record<string, unknown>, signal?: AbortSignal): Promise<ForwardResult>;
}
