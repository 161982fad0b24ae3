/**
 * Passthrough, the server's own dependency: a chat request that asks for no test-time scaling goes
 * to the model's policy upstream unchanged. `upstream/` implements it beside `ModelBackend`; the
 * pipeline never sees it (it does not forward anything).
 */
import type { AbortSource, StreamBody } from '../util';

export type ForwardResult =
  | { kind: 'json'; status: number; body: unknown }
  /**
   * A JSON answer as the upstream sent it, checked to be one complete object, with the byte range
   * of its top-level `"model"` string (quotes included) when it has one.
   */
  | {
      kind: 'json-bytes';
      status: number;
      body: Buffer;
      model: { start: number; end: number; name: string } | null;
    }
  /**
   * An SSE answer, its body pushed to one reader as it arrives (src/util/pushed-body.ts).
   * `isDoneExpected`: the server ends every stream with `data: [DONE]` (vLLM's serving_chat
   * does, error or not), so an end without it is a broken stream.
   */
  | { kind: 'stream'; status: number; body: StreamBody; isDoneExpected?: boolean };

/** A plain chat request as bytes (already naming the served model) and the same JSON parsed. */
export interface ChatRequestBytes {
  bytes: Buffer;
  value: Record<string, unknown>;
}

export interface ChatForwarder {
  /** Send a plain chat request (already mapped to the served name) to the policy upstream. */
  forwardChat(body: Record<string, unknown>, signal?: AbortSource): Promise<ForwardResult>;
  /**
   * The same on bytes both ways, for upstreams that take the OpenAI request as it is (vLLM): no
   * re-serialised request, no parsed answer. Optional: the server falls back to `forwardChat`.
   */
  forwardChatBytes?(body: ChatRequestBytes, signal?: AbortSource): Promise<ForwardResult>;
}
