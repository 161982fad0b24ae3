/**
 * What a chat request asks of test-time scaling, already validated: the server parses the wire
 * (body extras, `x-tts-*` headers, model alias, the conversation) into this, and the pipeline
 * resolves and solves it in one call (`solveChat`). Nothing here is raw wire input.
 */
import type { PolicyMessage } from '../contracts';
import type { StrategyName, VoteName } from '../select';
import type { Aggregation } from '../tts/search-types';
import type { ScopeBlocker } from './request-scope';

/** One source's partial request (all optional). */
export interface TtsRequestPart {
  n?: number;
  m?: number;
  strategy?: StrategyName;
  aggregation?: Aggregation;
  vote?: VoteName;
}

/** The three sources a request can ask through, in precedence order; null = said nothing. */
export interface TtsRequestSources {
  header: TtsRequestPart | null;
  body: TtsRequestPart | null;
  alias: TtsRequestPart | null;
  /** `x-tts-ab`: force the CoT baseline or the search arm (client-side A/B). */
  forcedArm?: 'cot' | 'tts' | null;
  /** The model's `default_budget` for a request that asked for nothing (lowest precedence). */
  modelDefault?: TtsRequestPart | null;
}

/** The conversation and the OpenAI fields the search reads. */
export interface ChatConversation {
  /** The turns with chat-template roles (developer → system, function → tool), text only. */
  messages: PolicyMessage[];
  /** What on the wire TTS cannot serve faithfully (docs/request-scope.md); empty = nothing. */
  blockers: ScopeBlocker[];
  /** OpenAI `n`: distinct answers to return. */
  choices: number;
  /** max_completion_tokens / max_tokens, or null. */
  maxTokens: number | null;
  /** The client's `seed`, or null for a random one. */
  seed: number | null;
  /** Sampling fields the client set that the search replaces with the family's preset. */
  ignoredParameters: string[];
  /** The client's `stop` strings: the returned text is cut at the first (client-stop.ts). */
  stop: readonly string[];
}

export interface TtsRequest extends TtsRequestSources {
  /** The configured model's name: the client's `model` without an alias suffix. */
  model: string;
  forcedArm: 'cot' | 'tts' | null;
  /** `tts_timeout_ms` (a positive integer), or null for the server's default. */
  timeoutMs: number | null;
  returnCandidates: boolean;
  streamProgress: boolean;
  /**
   * Read only when the request may run TTS; the server builds it on first read, so a plain
   * passthrough (the proxy's hot path) never pays for it.
   */
  readonly conversation: ChatConversation;
}
