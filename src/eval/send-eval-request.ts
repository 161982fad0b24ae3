/**
 * One eval request: an ordinary `POST /v1/chat/completions` to the proxy with the arm and budget
 * in `tts_budget` and a `seed`, over plain HTTP (what any client sends), graded on return.
 * Failures become a result with `error` set; only an abort of the run's own signal throws.
 */
import { chatCompletionWire, errorBodyWire, type ChatCompletionWire } from './chat-response-wire';
import type { EvalResult } from './eval-types';
import { gradeAnswer } from './grade-answer';
import type { EvalTask } from './resume';

export interface SendEvalRequestOptions {
  /** The proxy's base URL, without `/v1`. */
  url: string;
  model: string;
  task: EvalTask;
  /** Aborting it cancels the request; the call then rejects with the abort reason. */
  signal: AbortSignal;
  timeoutMs: number;
  apiKey?: string;
  /** Milliseconds, for latency; `performance.now` in the runner. */
  now: () => number;
  /** The recording time stamp. */
  timestamp: () => string;
}

/** The request body: the problem as the only user message, the arm and budget as `tts_budget`. */
export function evalRequestBody(model: string, task: EvalTask): Record<string, unknown> {
  return {
    model,
    messages: [{ role: 'user', content: task.problem.problem }],
    tts_budget: { n: task.budget, strategy: task.arm },
    seed: task.seed,
  };
}

function describeFailure(status: number, text: string): string {
  let message = text.slice(0, 300);
  try {
    const parsed = errorBodyWire.safeParse(JSON.parse(text));
    if (parsed.success) message = parsed.data.error.message;
  } catch {
    // Not JSON (a proxy in front, an HTML error page): keep the raw start of the body.
  }
  return `HTTP ${status}: ${message}`;
}

// Arms whose vote table counts independent samples of the policy.
const SAMPLE_ARMS: ReadonlySet<string> = new Set(['majority', 'best_of_n']);

function goldShareOf(
  table: readonly { answer: string; count: number }[] | undefined,
  gold: string,
): number | null {
  if (!table) return null;
  const total = table.reduce((sum, row) => sum + row.count, 0);
  if (total === 0) return null;
  const right = table.find((row) => gradeAnswer(`\\boxed{${row.answer}}`, gold).isCorrect);
  return (right?.count ?? 0) / total;
}

function resultFromResponse(
  options: SendEvalRequestOptions,
  body: ChatCompletionWire,
  latencyMs: number,
): EvalResult {
  const { task } = options;
  const content = body.choices[0]?.message.content ?? '';
  const grade = gradeAnswer(content, task.problem.answer);
  const tts = body.tts ?? null;
  return {
    ...baseResult(options, latencyMs),
    predicted: grade.predicted,
    isCorrect: grade.isCorrect,
    method: tts?.method ?? null,
    // Without `tts` metadata (a plain upstream, an older proxy) fall back to OpenAI usage.
    policyPromptTokens: tts?.policy_prompt_tokens ?? body.usage?.prompt_tokens ?? null,
    policyCompletionTokens: tts?.policy_completion_tokens ?? body.usage?.completion_tokens ?? null,
    prmTokens: tts?.prm_tokens ?? null,
    prmCachedTokens: tts?.prm_cached_tokens ?? null,
    goldShare: SAMPLE_ARMS.has(task.arm) ? goldShareOf(tts?.vote_table, task.problem.answer) : null,
    flops: tts?.flops
      ? { policy: tts.flops.policy, prm: tts.flops.prm, total: tts.flops.total }
      : null,
    serverLatencyMs: tts?.latency_ms ?? null,
    isDegraded: tts?.degraded !== undefined && tts.degraded !== null && tts.degraded !== false,
    isSimulated: tts?.simulated ?? null,
  };
}

function baseResult(options: SendEvalRequestOptions, latencyMs: number): EvalResult {
  const { task } = options;
  return {
    key: task.key,
    arm: task.arm,
    budget: task.budget,
    problemId: task.problem.id,
    model: options.model,
    seed: task.seed,
    gold: task.problem.answer,
    predicted: null,
    isCorrect: false,
    method: null,
    policyPromptTokens: null,
    policyCompletionTokens: null,
    prmTokens: null,
    prmCachedTokens: null,
    goldShare: null,
    flops: null,
    latencyMs: Math.round(latencyMs),
    serverLatencyMs: null,
    isDegraded: false,
    isSimulated: null,
    error: null,
    finishedAt: options.timestamp(),
  };
}

/**
 * Sends one request and grades the answer.
 * @throws the abort reason when `options.signal` aborts; every other failure (HTTP error,
 * network error, timeout, malformed body) is returned as a result with `error` set.
 */
export async function sendEvalRequest(options: SendEvalRequestOptions): Promise<EvalResult> {
  const started = options.now();
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.apiKey !== undefined) headers.authorization = `Bearer ${options.apiKey}`;
  const timeout = AbortSignal.timeout(options.timeoutMs);
  try {
    const response = await fetch(`${options.url.replace(/\/+$/, '')}/v1/chat/completions`, {
      method: 'POST',
      headers,
      body: JSON.stringify(evalRequestBody(options.model, options.task)),
      signal: AbortSignal.any([options.signal, timeout]),
    });
    const text = await response.text();
    const latencyMs = options.now() - started;
    if (!response.ok)
      return { ...baseResult(options, latencyMs), error: describeFailure(response.status, text) };
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { ...baseResult(options, latencyMs), error: 'response is not JSON' };
    }
    const parsed = chatCompletionWire.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return {
        ...baseResult(options, latencyMs),
        error: `unexpected response shape at '${issue?.path.map(String).join('.') ?? ''}': ${issue?.message ?? 'invalid'}`,
      };
    }
    return resultFromResponse(options, parsed.data, latencyMs);
  } catch (error) {
    if (options.signal.aborted) throw options.signal.reason;
    const latencyMs = options.now() - started;
    if (timeout.aborted)
      return {
        ...baseResult(options, latencyMs),
        error: `timed out after ${options.timeoutMs} ms`,
      };
    const cause =
      error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return {
      ...baseResult(options, latencyMs),
      error: `request failed: ${error instanceof Error ? error.message : String(error)}${cause}`,
    };
  }
}
