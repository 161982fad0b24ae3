/**
 * A chat request's wire input parsed with zod: the OpenAI body (openai-wire.ts) and everything it
 * can ask TTS through — the body extras (`tts_*`), the `x-tts-budget` / `x-tts-strategy` /
 * `x-tts-ab` headers and the model alias — into one typed `TtsRequest`. Errors are 400s naming
 * the exact field or sub-field.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import { InvalidRequestError } from '../errors';
import {
  AGGREGATIONS,
  STRATEGY_NAMES,
  VOTE_NAMES,
  type ChatConversation,
  type PolicyMessage,
  type StrategyName,
  type TtsRequest,
  type TtsRequestPart,
} from '../pipeline';
import { findScopeBlockers } from './find-scope-blockers';
import { chatRequestSchema, messageText, type ChatRequestWire } from './openai-wire';
import { checkPlainChatRequest } from './plain-chat-check';

/**
 * Schemas are built once per parameter name and reused: building a zod schema (and its compiled
 * fast path) on every request cost ~8% of the proxy's CPU per TTS request in the bench.
 */
function memoized<T>(build: (param: string) => T): (param: string) => T {
  const built = new Map<string, T>();
  return (param) => {
    let schema = built.get(param);
    if (schema === undefined) {
      schema = build(param);
      built.set(param, schema);
    }
    return schema;
  };
}

const nonNegativeInteger = memoized((param: string) => {
  const error = `Invalid value for '${param}': expected a non-negative integer.`;
  // Number.isInteger, not zod's int(): that one also refuses integers beyond 2^53.
  return z.number({ error }).refine(Number.isInteger, { error }).min(0, { error });
});

function positiveInteger(param: string, unit = '') {
  const error = `Invalid value for '${param}': expected a positive integer${unit}.`;
  return z.number({ error }).refine(Number.isInteger, { error }).min(1, { error });
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T, param: string) {
  return z.enum(values, {
    error: `Invalid value for '${param}': expected one of ${values.join(', ')}.`,
  });
}

const budgetObject = memoized((param: string) =>
  z.strictObject({
    n: nonNegativeInteger(`${param}.n`).optional(),
    m: positiveInteger(`${param}.m`).optional(),
    strategy: oneOf(STRATEGY_NAMES, `${param}.strategy`).optional(),
    aggregation: oneOf(AGGREGATIONS, `${param}.aggregation`).optional(),
    vote: oneOf(VOTE_NAMES, `${param}.vote`).optional(),
  }),
);

/** Parse `value` with `schema`; the first issue (an unknown field before any other) is the 400. */
function parseWith<T>(schema: z.ZodType<T>, value: unknown, param: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues;
  const unknown = issues.find((issue) => issue.code === 'unrecognized_keys');
  if (unknown && unknown.code === 'unrecognized_keys') {
    const field = [param, ...unknown.path.map(String), unknown.keys[0] ?? ''].join('.');
    throw new InvalidRequestError(`Unknown field '${field}'.`, field);
  }
  const issue = issues[0];
  throw new InvalidRequestError(
    issue?.message ?? `Invalid value for '${param}'.`,
    [param, ...(issue?.path.map(String) ?? [])].join('.'),
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `tts_budget` (integer or object), also the parsed JSON of the `x-tts-budget` header. */
export function parseBudget(value: unknown, param: string): TtsRequestPart {
  if (typeof value === 'number') return { n: parseWith(nonNegativeInteger(param), value, param) };
  if (isPlainObject(value)) return parseWith(budgetObject(param), value, param);
  throw new InvalidRequestError(
    `Invalid value for '${param}': expected an integer or an object {n, m, strategy, aggregation, vote}.`,
    param,
  );
}

/** The `x-tts-budget` header: an integer, or a JSON object like the body field. */
export function parseBudgetHeader(value: string): TtsRequestPart {
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return { n: Number(trimmed) };
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    throw new InvalidRequestError(
      "Invalid 'x-tts-budget' header: expected an integer or a JSON object.",
      'x-tts-budget',
    );
  }
  return parseBudget(parsed, 'x-tts-budget');
}

const strategySchema = memoized((param: string) => oneOf(STRATEGY_NAMES, param));

export function parseStrategy(value: unknown, param: string): StrategyName {
  return parseWith(strategySchema(param), value, param);
}

/**
 * Split a model alias `name@strategy:N`, `name@strategy` or `name@N` (for clients that can only
 * set `model`).
 */
export function parseModelAlias(model: string): { name: string; part: TtsRequestPart | null } {
  const at = model.indexOf('@');
  if (at < 0) return { name: model, part: null };
  const name = model.slice(0, at);
  const [first = '', second, ...rest] = model.slice(at + 1).split(':');
  // Up to 9 digits: a budget that reads back as the number written (never Infinity).
  const budget = /^\d{1,9}$/;
  if (rest.length > 0)
    throw new InvalidRequestError(
      `Invalid model alias '${model}': expected name@strategy:N, name@strategy or name@N.`,
      'model',
    );
  if (budget.test(first) && second === undefined) return { name, part: { n: Number(first) } };
  const part: TtsRequestPart = { strategy: parseStrategy(first, 'model') };
  if (second !== undefined) {
    if (!budget.test(second))
      throw new InvalidRequestError(
        `Invalid model alias '${model}': the budget after ':' must be an integer of at most 9 digits.`,
        'model',
      );
    part.n = Number(second);
  }
  return { name, part };
}

const abArm = z.enum(['cot', 'tts'], {
  error: "Invalid 'x-tts-ab' header: expected 'cot' or 'tts'.",
});

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function headerPart(headers: IncomingHttpHeaders): TtsRequestPart | null {
  let part: TtsRequestPart | null = null;
  const budget = headerValue(headers, 'x-tts-budget');
  const strategy = headerValue(headers, 'x-tts-strategy');
  if (budget !== undefined) part = parseBudgetHeader(budget);
  if (strategy !== undefined)
    part = { ...(part ?? {}), strategy: parseStrategy(strategy.trim(), 'x-tts-strategy') };
  return part;
}

function bodyPart(body: ChatRequestWire): TtsRequestPart | null {
  let part: TtsRequestPart | null = null;
  if (body.tts_budget !== undefined && body.tts_budget !== null)
    part = parseBudget(body.tts_budget, 'tts_budget');
  if (body.tts_strategy !== undefined && body.tts_strategy !== null) {
    const strategy = parseStrategy(body.tts_strategy, 'tts_strategy');
    // An explicit strategy inside tts_budget wins over the sibling field (it is more specific).
    part = { strategy, ...(part ?? {}) };
  }
  return part;
}

const timeoutSchema = positiveInteger('tts_timeout_ms', ' (milliseconds)');

function timeoutOf(body: ChatRequestWire): number | null {
  const value = body.tts_timeout_ms;
  if (value === undefined || value === null) return null;
  return parseWith(timeoutSchema, value, 'tts_timeout_ms');
}

function toPolicyMessages(body: ChatRequestWire): PolicyMessage[] {
  return body.messages.map((message) => {
    // Chat templates know system/user/assistant/tool; OpenAI's newer roles map onto them.
    const role =
      message.role === 'developer' ? 'system' : message.role === 'function' ? 'tool' : message.role;
    return { role, content: messageText(message) };
  });
}

/**
 * The fields the search sets itself: sampling from the policy family's preset (OpenAI's and
 * vLLM's extras), and how the prompt is rendered and answered (the server's default template and
 * the family's answer format, so `reasoning_effort` (or `reasoning`), `verbosity` and vLLM's `chat_template_kwargs`
 * have no say). A client that set one is told it was not used (`parameter-ignored`).
 */
const PRESET_FIELDS = [
  'temperature',
  'top_p',
  'frequency_penalty',
  'presence_penalty',
  'logit_bias',
  'top_k',
  'min_p',
  'repetition_penalty',
  'reasoning_effort',
  // Open WebUI sends reasoning_effort as `reasoning: {effort}` (routers/openai.py @004a45f5).
  'reasoning',
  'verbosity',
  'chat_template_kwargs',
] as const;

/** The conversation and the OpenAI fields the search reads (the body is already schema-checked). */
export function readConversation(body: ChatRequestWire): ChatConversation {
  return {
    messages: toPolicyMessages(body),
    blockers: findScopeBlockers(body),
    choices: body.n ?? 1,
    maxTokens: body.max_completion_tokens ?? body.max_tokens ?? null,
    seed: body.seed ?? null,
    ignoredParameters: PRESET_FIELDS.filter(
      (field) => body[field] !== undefined && body[field] !== null,
    ),
    stop: typeof body.stop === 'string' ? [body.stop] : (body.stop ?? []),
  };
}

/**
 * The request's TTS ask from its (already schema-checked) body and its headers. Sources are
 * parsed in a fixed order — alias, headers, body, A/B arm — so the first bad one is the 400.
 */
export function parseTtsRequest(body: ChatRequestWire, headers: IncomingHttpHeaders): TtsRequest {
  const { name, part: alias } = parseModelAlias(body.model);
  const header = headerPart(headers);
  const fromBody = bodyPart(body);
  const ab = headerValue(headers, 'x-tts-ab');
  return new ParsedTtsRequest(body, {
    model: name,
    header,
    body: fromBody,
    alias,
    forcedArm: ab === undefined ? null : parseWith(abArm, ab.trim().toLowerCase(), 'x-tts-ab'),
    timeoutMs: timeoutOf(body),
    returnCandidates: body.tts_return_candidates === true,
    streamProgress: body.tts_stream_progress === true,
  });
}

/**
 * A request's TTS ask, its conversation built on first read: a plain passthrough (the hot path)
 * never reads it. The lazy read is a getter on this prototype: a getter defined in an object
 * literal is a new closure per request, and V8 then kept each request alive through scavenges
 * (measured: docs/performance.md#what-a-scavenge-keeps).
 */
class ParsedTtsRequest implements TtsRequest {
  readonly model: string;
  readonly header: TtsRequest['header'];
  readonly body: TtsRequest['body'];
  readonly alias: TtsRequest['alias'];
  readonly forcedArm: TtsRequest['forcedArm'];
  readonly timeoutMs: number | null;
  readonly returnCandidates: boolean;
  readonly streamProgress: boolean;
  readonly #wire: ChatRequestWire;
  #conversation: ChatConversation | undefined;

  constructor(wire: ChatRequestWire, fields: Omit<TtsRequest, 'conversation'>) {
    this.#wire = wire;
    this.model = fields.model;
    this.header = fields.header;
    this.body = fields.body;
    this.alias = fields.alias;
    this.forcedArm = fields.forcedArm;
    this.timeoutMs = fields.timeoutMs;
    this.returnCandidates = fields.returnCandidates;
    this.streamProgress = fields.streamProgress;
  }

  get conversation(): ChatConversation {
    return (this.#conversation ??= readConversation(this.#wire));
  }
}

function parseBody(body: unknown): ChatRequestWire {
  const wire = parseWire(body);
  // OpenAI and vLLM refuse stream_options on a request that does not stream (vLLM's
  // ChatCompletionRequest validator); TTS answered such a request without a word.
  if (wire.stream_options !== undefined && wire.stream_options !== null && wire.stream !== true) {
    throw new InvalidRequestError(
      "'stream_options' is only allowed when 'stream' is true.",
      'stream_options',
    );
  }
  return wire;
}

function parseWire(body: unknown): ChatRequestWire {
  // The body reader parses only `application/json`, or a body with no Content-Type (as vLLM's
  // FastAPI reads it); any other type is here.
  if (body === undefined) {
    throw new InvalidRequestError(
      'The request body must be JSON sent with Content-Type: application/json.',
      null,
      'invalid_content_type',
    );
  }
  const plain = checkPlainChatRequest(body);
  if (plain !== null) return plain;
  const parsed = chatRequestSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : null;
    throw new InvalidRequestError(
      `Invalid request: ${param ? `'${param}': ` : ''}${issue?.message ?? 'malformed body'}`,
      param,
    );
  }
  return parsed.data;
}

/** The body as OpenAI fields (forwarded on passthrough) and the TTS ask, both validated. */
export function parseChatRequest(
  body: unknown,
  headers: IncomingHttpHeaders,
): { wire: ChatRequestWire; tts: TtsRequest } {
  const wire = parseBody(body);
  return { wire, tts: parseTtsRequest(wire, headers) };
}
