/**
 * How a request that passes through by the scope rule says why (docs/request-scope.md): headers
 * on every response (`x-tts-strategy: passthrough`, `x-tts-passthrough-reason: <code>`, and
 * `x-tts-warning` when a budget the client asked for was not spent), and a `tts` object on a JSON
 * answer. A stream is relayed exactly as the upstream sent it, so it carries the headers only.
 */
import type { ScopeDecision } from '../../pipeline';

type PassThrough = Extract<ScopeDecision, { kind: 'passthrough' }>;

export interface PassThroughNote {
  headers: Record<string, string>;
  tts: Record<string, unknown>;
}

const MAX_HEADER_CHARS = 512;

/** Header values must be printable ASCII (a client-chosen part type could hold anything). */
function headerSafe(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, MAX_HEADER_CHARS);
}

export function passThroughNote(decision: PassThrough, requestedStrategy: string): PassThroughNote {
  const warnings =
    decision.warning === null ? [] : [{ code: 'budget-not-spent', message: decision.warning }];
  const headers: Record<string, string> = {
    'x-tts-strategy': 'passthrough',
    'x-tts-passthrough-reason': decision.code,
  };
  if (decision.warning !== null) headers['x-tts-warning'] = headerSafe(decision.warning);
  return {
    headers,
    tts: {
      method: 'passthrough',
      requested_strategy: requestedStrategy,
      passthrough_reason: decision.code,
      reason: decision.reason,
      warnings,
    },
  };
}
