/**
 * What a chat request asks of test-time scaling, already validated: the server parses the wire
 * (body extras, `x-tts-*` headers, model alias) into this, and the pipeline resolves it into a
 * plan (`resolveTtsPlan`). Nothing here is raw wire input.
 */
import type { StrategyName, VoteName } from '../select';
import type { Aggregation } from '../tts/search-types';

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

export interface TtsRequest extends TtsRequestSources {
  /** The configured model's name: the client's `model` without an alias suffix. */
  model: string;
  forcedArm: 'cot' | 'tts' | null;
  /** `tts_timeout_ms` (a positive integer), or null for the server's default. */
  timeoutMs: number | null;
  returnCandidates: boolean;
  streamProgress: boolean;
}
