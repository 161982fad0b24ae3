/**
 * Cheap structural checks of the hot vLLM responses (every policy round, every PRM call), each
 * accepting only bodies its schema in vllm-wire.ts accepts. A body that passes is used as parsed
 * (no copy); one that does not goes to the schema, which decides and words the error. zod built a
 * copy of every choice, token list and logprob record, a few % of a Best-of-N request's CPU (far
 * more for prompt-logprobs PRMs), for responses whose shape is nearly always right. Zod stays at
 * the client edge and on everything else.
 */
import type {
  CompletionResponseWire,
  DetokenizeResponseWire,
  PoolingResponseWire,
  TokenizeResponseWire,
} from './vllm-wire';

type Record_ = Record<string, unknown>;

function isObject(value: unknown): value is Record_ {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** zod's `z.number().int()`: a finite safe integer. */
function isInteger(value: unknown): value is number {
  return Number.isSafeInteger(value);
}

function isNonNegativeInteger(value: unknown): value is number {
  return isInteger(value) && value >= 0;
}

function isNullish(value: unknown): value is null | undefined {
  return value === null || value === undefined;
}

/** `usageSchema.nullish()`. */
function isUsage(value: unknown): boolean {
  if (isNullish(value)) return true;
  if (!isObject(value) || !isNonNegativeInteger(value.prompt_tokens)) return false;
  const { completion_tokens: completion, total_tokens: total } = value;
  return (
    (isNullish(completion) || isNonNegativeInteger(completion)) &&
    (isNullish(total) || isNonNegativeInteger(total))
  );
}

/** One position of `prompt_logprobs`: null, or token id → `{ logprob, decoded_token? }`. */
function isPromptLogprobsEntry(value: unknown): boolean {
  if (value === null) return true;
  if (!isObject(value)) return false;
  for (const key in value) {
    const item = value[key];
    if (!isObject(item) || typeof item.logprob !== 'number' || !Number.isFinite(item.logprob))
      return false;
    const decoded = item.decoded_token;
    if (!isNullish(decoded) && typeof decoded !== 'string') return false;
  }
  return true;
}

function isCompletionChoice(value: unknown): boolean {
  if (!isObject(value) || !isInteger(value.index) || typeof value.text !== 'string') return false;
  const finish = value.finish_reason;
  if (finish !== null && typeof finish !== 'string') return false;
  const stop = value.stop_reason;
  if (stop !== undefined && stop !== null && typeof stop !== 'string') {
    if (typeof stop !== 'number' || !Number.isFinite(stop)) return false;
  }
  const ids = value.prompt_token_ids;
  if (!isNullish(ids) && !(Array.isArray(ids) && ids.every(isInteger))) return false;
  const logprobs = value.prompt_logprobs;
  if (isNullish(logprobs)) return true;
  return Array.isArray(logprobs) && logprobs.every(isPromptLogprobsEntry);
}

export function isCompletionResponse(body: unknown): body is CompletionResponseWire {
  return (
    isObject(body) &&
    Array.isArray(body.choices) &&
    body.choices.every(isCompletionChoice) &&
    isUsage(body.usage)
  );
}

export function isTokenizeResponse(body: unknown): body is TokenizeResponseWire {
  if (!isObject(body) || !isNonNegativeInteger(body.count)) return false;
  const maxModelLen = body.max_model_len;
  if (!isNullish(maxModelLen) && !(isInteger(maxModelLen) && maxModelLen > 0)) return false;
  const strs = body.token_strs;
  if (!isNullish(strs) && !(Array.isArray(strs) && strs.every((s) => typeof s === 'string')))
    return false;
  return Array.isArray(body.tokens) && body.tokens.every(isInteger);
}

export function isDetokenizeResponse(body: unknown): body is DetokenizeResponseWire {
  return isObject(body) && typeof body.prompt === 'string';
}

export function isPoolingResponse(body: unknown): body is PoolingResponseWire {
  return (
    isObject(body) &&
    Array.isArray(body.data) &&
    body.data.every((item) => isObject(item) && isInteger(item.index) && 'data' in item) &&
    isUsage(body.usage)
  );
}
