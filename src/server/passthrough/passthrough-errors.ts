/**
 * Every passthrough error reaches the client in OpenAI's shape `{"error":{message,type,param,
 * code}}`. An upstream 4xx keeps its status (it is about the request) with its message wrapped;
 * an upstream 5xx or a failure to get an answer maps by cause: unreachable or 503 → 503, timeout
 * or 504 → 504, anything else → 502. A 401/403 from the upstream is about the proxy's own key,
 * not the client's, so it is a 502 too.
 */
import { describesContextLength, UpstreamError, UpstreamTimeoutError } from '../../errors';
import type { OpenAiErrorBody } from '../http-error';

export interface MappedUpstreamError {
  status: number;
  body: OpenAiErrorBody;
  headers: Record<string, string>;
}

function openAi(message: string, type: string, code: string | null, param: string | null = null) {
  return { error: { message, type, param, code } };
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** The upstream's own message, from any shape it uses (OpenAI, flat vLLM, FastAPI, text). */
function upstreamMessage(body: string): {
  message: string | null;
  type: string | null;
  param: string | null;
  code: string | null;
} {
  const none = { message: null, type: null, param: null, code: null };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    const trimmed = body.trim();
    return { ...none, message: trimmed.length > 0 && trimmed.length <= 300 ? trimmed : null };
  }
  if (typeof parsed !== 'object' || parsed === null) return none;
  const record = parsed as Record<string, unknown>;
  const inner = record.error;
  const source =
    typeof inner === 'object' && inner !== null ? (inner as Record<string, unknown>) : record;
  const detail = record.detail;
  const message =
    text(source.message) ??
    text(inner) ??
    text(detail) ??
    (Array.isArray(detail) ? JSON.stringify(detail).slice(0, 300) : null);
  const code = source.code;
  return {
    message,
    type: text(source.type),
    param: text(source.param),
    code: typeof code === 'number' ? String(code) : text(code),
  };
}

// OpenAI's error types; vLLM puts its exception's class name there (`BadRequestError`) and the
// HTTP status in `code` (vllm/entrypoints/openai/protocol.py `ErrorResponse`).
const OPENAI_TYPES = new Set([
  'invalid_request_error',
  'authentication_error',
  'permission_error',
  'not_found_error',
  'rate_limit_error',
  'server_error',
  'requests',
  'tokens',
]);

/**
 * The request field a context overflow names: the client's output cap when the server blamed it,
 * else `messages` (vLLM's renderer names its own `input_tokens`/`input_text`, no request field).
 */
function contextParam(param: string | null): string {
  return param === 'max_tokens' || param === 'max_completion_tokens' ? param : 'messages';
}

/**
 * OpenAI's type and code for an upstream 4xx: a type or code of OpenAI's kept, a class name or an
 * HTTP status replaced — `context_length_exceeded` for a prompt too long (what agents branch on),
 * `model_not_found` for a 404 about the model, otherwise none.
 */
function openAiKind(
  status: number,
  found: ReturnType<typeof upstreamMessage>,
): { type: string; code: string | null; param: string | null } {
  const type =
    found.type !== null && OPENAI_TYPES.has(found.type)
      ? found.type
      : status === 429
        ? 'rate_limit_error'
        : 'invalid_request_error';
  if (found.code !== null && !/^\d+$/.test(found.code))
    return { type, code: found.code, param: found.param };
  const message = found.message ?? '';
  if (describesContextLength(message))
    return { type, code: 'context_length_exceeded', param: contextParam(found.param) };
  if (status === 404 && /model/i.test(message))
    return { type, code: 'model_not_found', param: found.param ?? 'model' };
  return { type, code: null, param: found.param };
}

/** The client-facing answer for an upstream response with an error status. */
export function mapUpstreamStatus(status: number, body: string): MappedUpstreamError {
  const found = upstreamMessage(body);
  if (status >= 400 && status < 500 && status !== 401 && status !== 403) {
    const headers: Record<string, string> = status === 429 ? {} : { 'x-should-retry': 'false' };
    const kind = openAiKind(status, found);
    return {
      status,
      body: openAi(
        found.message ?? `The model server refused the request (HTTP ${status}).`,
        kind.type,
        kind.code,
        kind.param,
      ),
      headers,
    };
  }
  if (status === 401 || status === 403)
    return {
      status: 502,
      body: openAi(
        "The model server refused the proxy's credentials.",
        'server_error',
        'upstream_auth_failed',
      ),
      headers: {},
    };
  return mapUpstreamFailure(
    new UpstreamError(`upstream answered ${status}`, { upstream: 'passthrough', status }),
  );
}

/** The client-facing answer for a failure to get a usable answer from the upstream. */
export function mapUpstreamFailure(error: unknown): MappedUpstreamError {
  if (
    error instanceof UpstreamTimeoutError ||
    (error instanceof UpstreamError && error.status === 504)
  )
    return {
      status: 504,
      body: openAi('The model server did not answer in time.', 'server_error', 'upstream_timeout'),
      headers: {},
    };
  if (error instanceof UpstreamError && (error.status === null || error.status === 503)) {
    const retryAfter = error.retryAfterMs === null ? 1 : Math.ceil(error.retryAfterMs / 1000);
    return {
      status: 503,
      body: openAi(
        error.status === null
          ? 'The model server is unreachable; retry later.'
          : 'The model server is unavailable; retry later.',
        'server_error',
        'upstream_unavailable',
      ),
      headers: { 'retry-after': String(retryAfter) },
    };
  }
  return {
    status: 502,
    body: openAi('The model server failed; please retry.', 'server_error', 'upstream_error'),
    headers: {},
  };
}

/** A 200 JSON answer the upstream cut short or broke: nothing of it was sent. */
export function mapBrokenAnswer(): MappedUpstreamError {
  return {
    status: 502,
    body: openAi(
      'The model server sent a broken answer; please retry.',
      'server_error',
      'invalid_upstream_response',
    ),
    headers: {},
  };
}
