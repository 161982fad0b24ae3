/**
 * The chunks of a TTS answer stream, apart from the search itself. Search progress and a
 * reasoning model's thinking both travel in `delta.reasoning_content` (where chat UIs show
 * "thinking"), so a client can always tell them apart (docs/request-scope.md, "Reasoning
 * models"):
 * - a progress chunk carries a chunk-level `tts_progress` object (the event, structured) and its
 *   text starts with `[tts] `; it comes only while searching, before any answer chunk;
 * - the answer's thinking comes after the search, without `tts_progress`, then the answer as
 *   `delta.content`.
 */
import type { SearchEvent } from '../tts';
import {
  chunk,
  messageParts,
  splitForStreaming,
  type CompletionIdentity,
  type ReasoningParserName,
} from './to-chat-completion';

/** Marks progress text for readers that only see the text. */
export const PROGRESS_PREFIX = '[tts] ';

function progressText(event: SearchEvent): string {
  switch (event.type) {
    case 'round-end':
      return `round ${event.round}: ${event.activePaths} active, ${event.finishedPaths} finished${event.bestScore === null ? '' : `, best PRM ${event.bestScore.toFixed(3)}`}\n`;
    case 'round-start':
      return `round ${event.round}: expanding ${event.activePaths} paths (${event.requested} samples)\n`;
    default:
      return `${event.count} samples generated\n`;
  }
}

function progressWire(event: SearchEvent): Record<string, unknown> {
  switch (event.type) {
    case 'round-end':
      return {
        type: event.type,
        round: event.round,
        active_paths: event.activePaths,
        finished_paths: event.finishedPaths,
        best_score: event.bestScore,
      };
    case 'round-start':
      return {
        type: event.type,
        round: event.round,
        active_paths: event.activePaths,
        requested: event.requested,
      };
    default:
      return { type: event.type, count: event.count };
  }
}

/** One progress event as a chunk on choice 0. */
export function progressChunk(
  identity: CompletionIdentity,
  event: SearchEvent,
): Record<string, unknown> {
  return chunk(
    identity,
    [
      {
        index: 0,
        delta: { reasoning_content: `${PROGRESS_PREFIX}${progressText(event)}` },
        logprobs: null,
        finish_reason: null,
      },
    ],
    { tts_progress: progressWire(event) },
  );
}

/** The delta chunks of one answer: its thinking (with a reasoning parser), then its content. */
export function answerChunks(
  identity: CompletionIdentity,
  index: number,
  text: string,
  reasoningParser: ReasoningParserName | null,
): Record<string, unknown>[] {
  const parts = messageParts(text, reasoningParser);
  const deltas: Record<string, string>[] = [];
  if (parts.reasoningContent !== null && parts.reasoningContent !== '')
    for (const piece of splitForStreaming(parts.reasoningContent))
      deltas.push({ reasoning_content: piece });
  if (parts.content !== null)
    for (const piece of splitForStreaming(parts.content)) deltas.push({ content: piece });
  return deltas.map((delta) =>
    chunk(identity, [{ index, delta, logprobs: null, finish_reason: null }]),
  );
}
