/**
 * A quick check of the common chat request (text messages, the usual sampling fields) that
 * accepts only what `chatRequestSchema` (openai-wire.ts) accepts, without zod's per-request
 * machinery: on the plain passthrough zod was ~3% of the proxy's CPU. Anything it does not
 * recognise as plainly valid — content parts, an out-of-range value, a wrong type — goes to the
 * schema, which accepts it or names the exact field in the 400. So it may refuse more than the
 * schema (then the schema decides), never accept more (a test holds it to that).
 */
import { MAX_MESSAGES, MAX_STOP_SEQUENCES, type ChatRequestWire } from './openai-wire';

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isFiniteNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);
const isNullish = (value: unknown): boolean => value === undefined || value === null;
const isOptionalBoolean = (value: unknown): boolean =>
  value === undefined || typeof value === 'boolean';
const isNullishBoolean = (value: unknown): boolean =>
  isNullish(value) || typeof value === 'boolean';
const isNullishPositiveInteger = (value: unknown): boolean =>
  isNullish(value) || (Number.isSafeInteger(value) && (value as number) > 0);

function isPlainMessage(message: unknown): boolean {
  if (!isRecord(message)) return false;
  const { role, content, name } = message;
  return (
    typeof role === 'string' &&
    ROLES.has(role) &&
    (content === undefined || content === null || typeof content === 'string') &&
    (name === undefined || typeof name === 'string')
  );
}

function isPlainStop(stop: unknown): boolean {
  if (isNullish(stop)) return true;
  if (typeof stop === 'string') return stop !== '';
  return (
    Array.isArray(stop) &&
    stop.length <= MAX_STOP_SEQUENCES &&
    stop.every((item) => typeof item === 'string' && item !== '')
  );
}

/** The body as the schema would return it, or null when the schema must decide. */
export function checkPlainChatRequest(body: unknown): ChatRequestWire | null {
  if (!isRecord(body)) return null;
  const { model, messages, n, temperature, top_p: topP, seed } = body;
  if (typeof model !== 'string' || model.length < 1 || model.length > 512) return null;
  if (!Array.isArray(messages) || messages.length < 1 || messages.length > MAX_MESSAGES)
    return null;
  for (const message of messages) if (!isPlainMessage(message)) return null;
  const options = body.stream_options;
  const isPlain =
    isNullishBoolean(body.stream) &&
    (isNullish(options) || (isRecord(options) && isNullishBoolean(options.include_usage))) &&
    (isNullish(n) || (Number.isSafeInteger(n) && (n as number) >= 1 && (n as number) <= 128)) &&
    (isNullish(temperature) ||
      (isFiniteNumber(temperature) && temperature >= 0 && temperature <= 2)) &&
    (isNullish(topP) || (isFiniteNumber(topP) && topP > 0 && topP <= 1)) &&
    isNullishPositiveInteger(body.max_tokens) &&
    isNullishPositiveInteger(body.max_completion_tokens) &&
    (isNullish(seed) || Number.isSafeInteger(seed)) &&
    isPlainStop(body.stop) &&
    isOptionalBoolean(body.tts_return_candidates) &&
    isOptionalBoolean(body.tts_stream_progress);
  // Every field the schema names is checked above; the rest it lets through as they are.
  return isPlain ? (body as ChatRequestWire) : null;
}
