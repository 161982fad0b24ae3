/**
 * POST /v1/chat/completions. Thin: parse, plan, then either forward unchanged (no TTS asked for)
 * or run the pipeline and render JSON or SSE. Errors go to the one error handler.
 */
import type { GroupingService } from '../../answer';
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { ModelNotFoundError } from '../../errors';
import {
  decideScope,
  resolveTimeout,
  resolveTtsPlan,
  verifierQuestion,
  type ScopeDecision,
  type SingleAnswerVerdict,
  solveChat,
  type ModelBackend,
  type PolicyMessage,
  type TtsDefaults,
  type TtsPlan,
  type TtsRequest,
  type ShadowArm,
  type SolveMetadata,
} from '../../pipeline';
import type { ChatForwarder } from '../../contracts';
import { isAbortError } from '../../util';
import type { Caller } from '../auth';
import type { Metrics } from '../metrics';
import { messageText, type ChatRequestWire } from '../openai-wire';
import { parseChatRequest } from '../parse-chat-request';
import { openSse } from '../sse';
import { answerChunks, progressChunk } from '../tts-stream-chunks';
import {
  chunk,
  toChatCompletion,
  ttsMetadataWire,
  usageWire,
  type CompletionIdentity,
} from '../to-chat-completion';
import { toHttpError } from '../http-error';
import { findScopeBlockers } from '../find-scope-blockers';
import { forwardChat } from './forward-chat';
import { passThroughNote } from './scope-passthrough';

export interface ChatRouteDeps {
  backends: ReadonlyMap<string, ModelBackend & ChatForwarder>;
  ttsDefaults: TtsDefaults;
  metrics: Metrics;
  keepaliveMs: number;
  now: () => number;
  randomSeed: () => number;
  /** Background baseline runs for online A/B, or null when off. */
  shadow: ShadowArm | null;
  grouping?: GroupingService;
}

function toPolicyMessages(request: ChatRequestWire): PolicyMessage[] {
  return request.messages.map((message) => {
    // Chat templates know system/user/assistant/tool; OpenAI's newer roles map onto them.
    const role =
      message.role === 'developer' ? 'system' : message.role === 'function' ? 'tool' : message.role;
    return { role, content: messageText(message) };
  });
}

export function createChatCompletionsHandler(deps: ChatRouteDeps, logger: Logger) {
  return async function chatCompletions(
    request: Request,
    response: Response,
    caller: Caller | null = null,
  ): Promise<void> {
    const started = deps.now();
    const { wire: body, tts } = parseChatRequest(request.body, request.headers);
    const backend = deps.backends.get(tts.model);
    if (!backend) throw new ModelNotFoundError(body.model);
    const isAsked =
      tts.header !== null || tts.body !== null || tts.alias !== null || tts.forcedArm !== null;
    const defaultBudget = backend.info.scope?.defaultBudget ?? null;
    const planned = resolveTtsPlan(
      isAsked || defaultBudget === null ? tts : { ...tts, modelDefault: { n: defaultBudget } },
      backend.info,
      deps.ttsDefaults,
      caller?.maxBudget ?? null,
    );
    if (tts.forcedArm) response.setHeader('x-tts-ab-arm', tts.forcedArm);
    const scope = planned === null ? null : scopeOf(body, backend, isAsked);
    const plan = planned === null || scope?.kind !== 'tts' ? null : planned;

    // A client disconnect aborts every upstream call of this request; a finished one is counted.
    const controller = new AbortController();
    const series = deps.metrics.requestSeries(
      'chat_completions',
      tts.model,
      plan?.method ?? 'passthrough',
    );
    response.on('close', () => {
      if (response.writableFinished)
        series.record(response.statusCode, (deps.now() - started) / 1000);
      else controller.abort();
    });

    if (plan === null) {
      const note =
        planned !== null && scope?.kind === 'passthrough'
          ? passThroughNote(scope, planned.requested)
          : null;
      await forwardChat(backend, body, body.model, response, controller.signal, note);
      return;
    }
    await runTts(
      deps,
      backend,
      plan,
      tts,
      body,
      response,
      controller,
      logger,
      scope?.kind === 'tts' ? scope.verdict : null,
    );
  };
}

/** The scope rule for a request that would run TTS (docs/request-scope.md). */
function scopeOf(body: ChatRequestWire, backend: ModelBackend, isAsked: boolean): ScopeDecision {
  let lastUserText = '';
  for (let i = body.messages.length - 1; i >= 0; i--) {
    const message = body.messages[i];
    if (message?.role === 'user') {
      lastUserText = messageText(message);
      break;
    }
  }
  return decideScope({
    blockers: findScopeBlockers(body),
    origin: isAsked ? 'request' : 'default',
    lastUserText,
    defaultBudgetScope: backend.info.scope?.defaultBudgetScope ?? 'single-answer',
  });
}

async function runTts(
  deps: ChatRouteDeps,
  backend: ModelBackend,
  plan: TtsPlan,
  tts: TtsRequest,
  body: ChatRequestWire,
  response: Response,
  controller: AbortController,
  logger: Logger,
  /** Whether the last user turn looks like a single-answer problem, and why (null: assume so). */
  verdict: SingleAnswerVerdict | null,
): Promise<void> {
  // A client-forced A/B arm is the comparison already: no shadow run on top.
  const mayShadow = tts.forcedArm === null;
  const messages = toPolicyMessages(body);
  const question = verifierQuestion(messages);
  const identity: CompletionIdentity = {
    id: `chatcmpl-${randomUUID().replace(/-/g, '')}`,
    created: Math.floor(Date.now() / 1000),
    model: body.model,
  };
  const wantsProgress = tts.streamProgress;
  const reasoningParser = backend.info.scope?.reasoningParser ?? null;
  const solveInput = {
    backend,
    plan,
    messages,
    question,
    looksSingleAnswer: verdict?.looksSingleAnswer ?? true,
    ...(verdict ? { scopeReason: verdict.reason } : {}),
    choices: body.n ?? 1,
    maxTokens: body.max_completion_tokens ?? body.max_tokens ?? null,
    seed: body.seed ?? deps.randomSeed(),
    returnCandidates: tts.returnCandidates,
    signal: controller.signal,
    now: deps.now,
    timeoutMs: resolveTimeout(tts.timeoutMs, deps.ttsDefaults),
    ...(deps.grouping ? { grouping: deps.grouping } : {}),
  };
  const ignored = ['temperature', 'top_p', 'stop'].filter(
    (field) => body[field] !== undefined && body[field] !== null,
  );

  if (body.stream !== true) {
    const result = await solveChat(solveInput);
    addIgnoredWarning(result.metadata.warnings, ignored);
    recordOutcome(deps, result.metadata);
    if (result.metadata.degraded)
      logger.warn(
        { degraded: result.metadata.degraded, method: result.metadata.method },
        'tts degraded',
      );
    response.set({
      'x-tts-strategy': result.metadata.method,
      'x-tts-budget-spent': String(result.metadata.generations),
    });
    response.status(200).json(toChatCompletion(result, identity, reasoningParser));
    if (mayShadow) deps.shadow?.maybeRun(solveInput, result);
    return;
  }

  // Streaming: headers now, keep-alives while searching so clients never time out.
  // With auto the method is known only after the probe: the header says 'auto' then.
  const sse = openSse(response, { 'x-tts-strategy': plan.method });
  const keepalive = setInterval(() => sse.comment('keep-alive'), deps.keepaliveMs);
  let sentRole = false;
  const sendRole = (): void => {
    if (sentRole) return;
    sentRole = true;
    sse.send(
      chunk(identity, [
        {
          index: 0,
          delta: { role: 'assistant', content: '' },
          logprobs: null,
          finish_reason: null,
        },
      ]),
    );
  };
  try {
    const result = await solveChat({
      ...solveInput,
      onEvent: (event) => {
        if (!wantsProgress) return;
        sendRole();
        sse.send(progressChunk(identity, event));
      },
    });
    addIgnoredWarning(result.metadata.warnings, ignored);
    recordOutcome(deps, result.metadata);
    result.choices.forEach((choice, index) => {
      if (index === 0) sendRole();
      else
        sse.send(
          chunk(identity, [
            {
              index,
              delta: { role: 'assistant', content: '' },
              logprobs: null,
              finish_reason: null,
            },
          ]),
        );
      for (const part of answerChunks(identity, index, choice.text, reasoningParser))
        sse.send(part);
      sse.send(
        chunk(
          identity,
          [{ index, delta: {}, logprobs: null, finish_reason: choice.finishReason }],
          index === result.choices.length - 1 ? { tts: ttsMetadataWire(result.metadata) } : {},
        ),
      );
    });
    if (body.stream_options?.include_usage === true)
      sse.send(chunk(identity, [], { usage: usageWire(result) }));
    sse.done();
    if (mayShadow) deps.shadow?.maybeRun(solveInput, result);
  } catch (error) {
    if (isAbortError(error) && controller.signal.aborted) return;
    // Headers are gone: report the error in-band so OpenAI SDKs throw (they check `error` keys).
    const mapped = toHttpError(error);
    if (mapped.isUnexpected) logger.error({ err: error }, 'tts stream failed');
    sse.send(mapped.body);
    sse.done();
  } finally {
    clearInterval(keepalive);
  }
}

function addIgnoredWarning(warnings: { code: string; message: string }[], ignored: string[]): void {
  if (ignored.length > 0) {
    warnings.push({
      code: 'parameter-ignored',
      message: `${ignored.join(', ')} ignored: test-time scaling uses the policy family's sampling preset`,
    });
  }
}

function recordOutcome(deps: ChatRouteDeps, metadata: SolveMetadata): void {
  const { method, degraded, auto } = metadata;
  deps.metrics.ttsMethods.inc({ method, requested: metadata.requestedStrategy });
  if (degraded) deps.metrics.ttsDegraded.inc({ reason: degraded.split(':')[0] ?? degraded });
  deps.metrics.ttsGenerations.inc({ method }, metadata.generations);
  deps.metrics.policyTokens.inc({ kind: 'completion' }, metadata.policyCompletionTokens);
  deps.metrics.prmTokens.inc({ kind: 'processed' }, metadata.prmTokens);
  deps.metrics.prmTokens.inc({ kind: 'cached' }, metadata.prmCachedTokens);
  if (auto) {
    deps.metrics.ttsAutoChoices.inc({ bin: auto.difficulty?.bin ?? 'unknown', method });
    if (auto.earlyStop && auto.earlyStop.samplesSaved > 0)
      deps.metrics.earlyStopSavedSamples.inc({ method }, auto.earlyStop.samplesSaved);
  }
}
