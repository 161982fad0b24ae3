/**
 * The one place that knows HTTP statuses: map our error classes (and body-parser errors) to an
 * OpenAI error body `{"error":{"message","type","param","code"}}`.
 */
import {
  AuthenticationError,
  DeadlineError,
  InvalidRequestError,
  InvalidUpstreamResponseError,
  ModelNotFoundError,
  OverloadedError,
  RateLimitError,
  UnsupportedFeatureError,
  UpstreamError,
  UpstreamTimeoutError,
} from '../errors';
import { RequestBodyError } from './body/request-body-error';

export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export interface HttpError {
  status: number;
  body: OpenAiErrorBody;
  headers: Record<string, string>;
  /** True for errors we did not anticipate (logged with the stack, generic message). */
  isUnexpected: boolean;
  /**
   * A 5xx the client chose (its own `tts_timeout_ms` ran out): logged as a warning, not an error,
   * so an operator's alert on error lines is not paged by clients' deadlines.
   */
  isClientsOwnLimit?: true;
}

function body(
  message: string,
  type: string,
  param: string | null = null,
  code: string | null = null,
): OpenAiErrorBody {
  return { error: { message, type, param, code } };
}

interface BodyParserError {
  type: string;
  status: number;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as BodyParserError).type === 'string' &&
    typeof (error as BodyParserError).status === 'number'
  );
}

/** OpenAI-style codes of the body failures whose own message says what went wrong. */
const BODY_ERROR_CODES: Readonly<Record<string, string>> = {
  'entity.too.large': 'request_too_large',
  'request.timeout': 'request_timeout',
  'request.aborted': 'request_aborted',
  'encoding.invalid': 'invalid_encoding',
  'encoding.unsupported': 'unsupported_encoding',
  'charset.unsupported': 'unsupported_charset',
};

export function toHttpError(error: unknown): HttpError {
  const noRetry = { 'x-should-retry': 'false' };
  if (error instanceof RequestBodyError && error.type in BODY_ERROR_CODES) {
    return {
      status: error.status,
      body: body(error.message, 'invalid_request_error', null, BODY_ERROR_CODES[error.type]),
      headers: error.status === 408 ? {} : noRetry,
      isUnexpected: false,
    };
  }
  if (error instanceof InvalidRequestError) {
    return {
      status: 400,
      body: body(error.message, 'invalid_request_error', error.param, error.code),
      headers: noRetry,
      isUnexpected: false,
    };
  }
  if (error instanceof UnsupportedFeatureError) {
    return {
      status: 400,
      body: body(error.message, 'invalid_request_error', error.param, 'unsupported'),
      headers: noRetry,
      isUnexpected: false,
    };
  }
  if (error instanceof AuthenticationError) {
    return {
      status: 401,
      body: body(error.message, 'authentication_error', null, 'invalid_api_key'),
      headers: noRetry,
      isUnexpected: false,
    };
  }
  if (error instanceof ModelNotFoundError) {
    return {
      status: 404,
      body: body(error.message, 'invalid_request_error', 'model', 'model_not_found'),
      headers: noRetry,
      isUnexpected: false,
    };
  }
  if (error instanceof OverloadedError) {
    return {
      status: 429,
      body: body(error.message, 'rate_limit_error', null, 'overloaded'),
      headers: { 'retry-after': String(error.retryAfterSeconds) },
      isUnexpected: false,
    };
  }
  if (error instanceof RateLimitError) {
    // OpenAI's own shape for a requests-per-minute limit.
    return {
      status: 429,
      body: body(error.message, 'requests', null, 'rate_limit_exceeded'),
      headers: { 'retry-after': String(error.retryAfterSeconds) },
      isUnexpected: false,
    };
  }
  if (error instanceof DeadlineError) {
    return {
      status: 504,
      body: body(
        error.isClientsOwn
          ? `Deadline reached before any solution finished (tts_timeout_ms ${error.timeoutMs}); raise tts_timeout_ms or lower the budget.`
          : `Deadline reached before any solution finished (the server's default of ${error.timeoutMs} ms; tts_timeout_ms was not set); lower the budget, or set tts_timeout_ms up to the server's maximum.`,
        'server_error',
        null,
        'deadline_exceeded',
      ),
      // The SDKs retry a 504 unless told not to, and each retry would run the whole search again
      // into the same deadline.
      headers: noRetry,
      isUnexpected: false,
      // Only a deadline the client set is its own choice; the server's default running out is
      // the operator's to hear about (a stuck upstream, a budget too large for the fleet).
      ...(error.isClientsOwn ? { isClientsOwnLimit: true as const } : {}),
    };
  }
  if (error instanceof UpstreamTimeoutError) {
    return {
      status: 504,
      body: body('The upstream model server timed out.', 'server_error', null, 'upstream_timeout'),
      headers: {},
      isUnexpected: false,
    };
  }
  if (error instanceof UpstreamError) {
    const s = error.status;
    // A 4xx the upstream will repeat (bad parameter, context too long) is the client's to fix.
    if (s !== null && s >= 400 && s < 500 && s !== 401 && s !== 403 && s !== 408 && s !== 429) {
      const message = error.message.replace(/^upstream '[^']*' answered \d+: /, '');
      // OpenAI's code for a prompt too long for the model, which agents branch on to trim history.
      const isContextLength = error.isContextLength;
      return {
        status: s === 404 ? 404 : 400,
        body: body(
          `The model server rejected the request: ${message}`,
          'invalid_request_error',
          isContextLength ? 'messages' : null,
          isContextLength ? 'context_length_exceeded' : 'upstream_rejected',
        ),
        headers: noRetry,
        isUnexpected: false,
      };
    }
    // Unreachable or saying it is unavailable: a 503 with a time to come back, as the /v1
    // passthrough answers the same outage (passthrough/passthrough-errors.ts).
    if (s === null || s === 503) {
      const retryAfter = error.retryAfterMs === null ? 1 : Math.ceil(error.retryAfterMs / 1000);
      return {
        status: 503,
        body: body(
          s === null
            ? 'The upstream model server is unreachable; retry later.'
            : 'The upstream model server is unavailable; retry later.',
          'server_error',
          null,
          'upstream_unavailable',
        ),
        headers: { 'retry-after': String(retryAfter) },
        isUnexpected: false,
      };
    }
    return {
      status: 502,
      body: body(
        'The upstream model server failed; please retry.',
        'server_error',
        null,
        'upstream_error',
      ),
      headers: {},
      isUnexpected: false,
    };
  }
  if (error instanceof InvalidUpstreamResponseError) {
    return {
      status: 502,
      body: body(
        'The upstream model server sent an invalid response.',
        'server_error',
        null,
        'invalid_upstream_response',
      ),
      headers: {},
      isUnexpected: false,
    };
  }
  if (isBodyParserError(error)) {
    if (error.type === 'entity.too.large') {
      return {
        status: 413,
        body: body(
          'Request body is too large.',
          'invalid_request_error',
          null,
          'request_too_large',
        ),
        headers: noRetry,
        isUnexpected: false,
      };
    }
    if (error.type === 'entity.parse.failed') {
      return {
        status: 400,
        body: body(
          'Request body is not valid JSON.',
          'invalid_request_error',
          null,
          'invalid_json',
        ),
        headers: noRetry,
        isUnexpected: false,
      };
    }
    if (error.status >= 400 && error.status < 500) {
      return {
        status: error.status,
        body: body(
          'The request body could not be read.',
          'invalid_request_error',
          null,
          error.type,
        ),
        headers: noRetry,
        isUnexpected: false,
      };
    }
  }
  // The router's own refusals carry a 4xx status and no type: a path it cannot percent-decode
  // (`GET /v1/models/%ff`) is the client's 400, not our 500.
  const status = clientStatusOf(error);
  if (status !== null) {
    return {
      status,
      body: body(
        status === 400 ? 'The request could not be read (a malformed URL?).' : 'Bad request.',
        'invalid_request_error',
        null,
        'invalid_request',
      ),
      headers: noRetry,
      isUnexpected: false,
    };
  }
  return {
    status: 500,
    body: body('Internal server error.', 'server_error', null, null),
    headers: {},
    isUnexpected: true,
  };
}

function clientStatusOf(error: unknown): number | null {
  if (typeof error !== 'object' || error === null) return null;
  const status =
    (error as { status?: unknown; statusCode?: unknown }).status ??
    (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : null;
}
