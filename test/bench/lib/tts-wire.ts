/** Request bodies the bench sends, and the parts of the proxy's answer it reads. */

export const PROXY_MODEL = 'qwen2.5-1.5b-instruct';

export interface TtsMetaWire {
  method: string;
  rounds: number;
  policy_calls: number;
  /** `tts.policy_prompt_calls`: the policy's calls besides generation (prompt render, counts). */
  policy_prompt_calls: number;
  prm_calls: number;
  policy_completion_tokens: number;
  policy_prompt_tokens: number;
  prm_tokens: number;
  prm_cached_tokens: number;
  selected_answer: string | null;
  latency_ms: number;
  degraded: string | null;
  /** `tts.n`: the request's budget N. */
  n: number;
  /** `tts.budget_spent`: every generation requested (beam search: step candidates over rounds). */
  budget_spent: number;
  /** `tts.auto.budget_spent`: N spent in the paper's units (probe + method, after early stop). */
  auto_budget_spent: number | null;
  /** `tts.auto.early_stop`, present when `auto` ran with an early-stopping rule. */
  early_stop: { stopped: boolean; samples_saved: number } | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `tts` object of a proxy answer; throws when it is missing (the request did not run TTS). */
export function ttsMeta(json: unknown): TtsMetaWire {
  if (!isRecord(json) || !isRecord(json.tts))
    throw new Error(`no tts metadata in ${JSON.stringify(json).slice(0, 200)}`);
  const tts = json.tts;
  const num = (key: string): number => (typeof tts[key] === 'number' ? (tts[key] as number) : NaN);
  return {
    method: String(tts.method),
    rounds: num('rounds'),
    policy_calls: num('policy_calls'),
    policy_prompt_calls: num('policy_prompt_calls'),
    prm_calls: num('prm_calls'),
    policy_completion_tokens: num('policy_completion_tokens'),
    policy_prompt_tokens: num('policy_prompt_tokens'),
    prm_tokens: num('prm_tokens'),
    prm_cached_tokens: num('prm_cached_tokens'),
    selected_answer: typeof tts.selected_answer === 'string' ? tts.selected_answer : null,
    latency_ms: num('latency_ms'),
    degraded: typeof tts.degraded === 'string' ? tts.degraded : null,
    n: num('n'),
    budget_spent: num('budget_spent'),
    auto_budget_spent:
      isRecord(tts.auto) && typeof tts.auto.budget_spent === 'number'
        ? tts.auto.budget_spent
        : null,
    early_stop: earlyStopOf(tts.auto),
  };
}

function earlyStopOf(auto: unknown): TtsMetaWire['early_stop'] {
  if (!isRecord(auto) || !isRecord(auto.early_stop)) return null;
  const stop = auto.early_stop;
  return {
    stopped: stop.stopped === true,
    samples_saved: typeof stop.samples_saved === 'number' ? stop.samples_saved : 0,
  };
}

export function ttsBody(
  question: string,
  budget: unknown,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    model: PROXY_MODEL,
    messages: [{ role: 'user', content: question }],
    tts_budget: budget,
    ...extra,
  };
}
