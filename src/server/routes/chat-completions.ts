/**
 * POST /v1/chat/completions. Thin: parse the wire into a `TtsRequest`, hand it to the pipeline's
 * one entrance (`solveChat`), then forward unchanged (passthrough) or render its answer as JSON
 * or SSE. Errors go to the one error handler.
 */
import type { GroupingService } from '../../answer';
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { ModelNotFoundError } from '../../errors';
import {
  solveChat,
  type ChatRun,
  type ModelBackend,
  type TtsDefaults,
  type ShadowArm,
  type SolveMetadata,
} from '../../pipeline';
import type { ChatForwarder } from '../../contracts';
import type { SearchEvent } from '../../tts/search-types';
import { isAbortError } from '../../util';
import type { Caller } from '../auth';
import type { Metrics } from '../metrics';
import type { ChatRequestWire } from '../openai-wire';
import { parseChatRequest } from '../parse-chat-request';
import type { JsonBodyWithBytes } from '../read-json-body';
import { openSse } from '../sse';
import { answerChunks, progressChunk } from '../tts-stream-chunks';
import {
  chunk,
  toChatCompletion,
  ttsMetadataWire,
  usageWire,
  type CompletionIdentity,
  type ReasoningParserName,
} from '../to-chat-completion';
import { requestIdOf } from '../access-log';
import { labelRequest } from '../count-requests';
import { ClientDeparture } from '../passthrough/client-departure';
import { toHttpError } from '../http-error';
import { causeOf } from '../log-cause';
import { sendJson } from '../send-json';
import { onCutShort } from '../shutdown-cut';
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
  /** The bound on request memory a search's reservation counts against (the body gate's). */
  maxBufferedBytes?: number;
  grouping?: GroupingService;
}

type TtsRun = Extract<ChatRun, { kind: 'tts' }>;

export function createChatCompletionsHandler(deps: ChatRouteDeps, logger: Logger) {
  return async function chatCompletions(
    request: Request,
    response: Response,
    caller: Caller | null = null,
    /** The body's bytes as received (forwarded as they are when nothing asks for TTS). */
    raw: Omit<JsonBodyWithBytes, 'value'> | null = null,
  ): Promise<void> {
    const { wire: body, tts } = parseChatRequest(request.body, request.headers);
    const backend = deps.backends.get(tts.model);
    if (!backend) throw new ModelNotFoundError(body.model);
    // A client disconnect (or the shutdown's cut) aborts every upstream call of this request (no
    // AbortController unless something needs a real signal: ../passthrough/client-departure.ts).
    const departure = new ClientDeparture();
    // Progress reaches the stream once its headers are out; the search starts with an upstream
    // call, so no event comes earlier.
    let onProgress: ((event: SearchEvent) => void) | null = null;
    const run = solveChat(tts, backend, {
      defaults: deps.ttsDefaults,
      keyMaxBudget: caller?.maxBudget ?? null,
      // One key's requests share one turn at the upstream's connections (fair-gate.ts); the
      // caller object is the key's, the same for each of its requests.
      ...(caller ? { turnOwner: caller } : {}),
      signal: departure,
      now: deps.now,
      randomSeed: deps.randomSeed,
      ...(deps.grouping ? { grouping: deps.grouping } : {}),
      ...(body.stream === true ? { onEvent: (event: SearchEvent) => onProgress?.(event) } : {}),
      ...(raw
        ? {
            reserve: {
              bytes: raw.charge,
              ...(deps.maxBufferedBytes !== undefined ? { bound: deps.maxBufferedBytes } : {}),
            },
          }
        : {}),
    });
    if (tts.forcedArm) response.setHeader('x-tts-ab-arm', tts.forcedArm);
    const series = deps.metrics.requestSeries(
      'chat_completions',
      tts.model,
      run.kind === 'tts' ? run.method : 'passthrough',
    );
    // Counted when it closes, with these labels (../count-requests.ts).
    labelRequest(response, series);
    onCutShort(response, () => departure.leave());

    if (run.kind === 'passthrough') {
      const note = run.scope === null ? null : passThroughNote(run.scope, run.scope.requested);
      await forwardChat(backend, body, body.model, response, departure, note, raw);
      return;
    }
    const identity: CompletionIdentity = {
      id: `chatcmpl-${randomUUID().replace(/-/g, '')}`,
      created: Math.floor(Date.now() / 1000),
      model: body.model,
    };
    const reasoningParser = backend.info.scope?.reasoningParser ?? null;
    if (body.stream !== true) {
      const result = await run.result;
      recordOutcome(deps, logger, result.metadata, requestIdOf(response));
      response.setHeader('x-tts-strategy', result.metadata.method);
      response.setHeader('x-tts-budget-spent', String(result.metadata.generations));
      // What `response.json` writes for a POST, without Express's generic `send`.
      sendJson(response, 200, toChatCompletion(result, identity, reasoningParser));
      if (run.shadowInput) deps.shadow?.maybeRun(run.shadowInput, result);
      return;
    }
    await streamTts(deps, logger, run, {
      body,
      response,
      departure,
      identity,
      reasoningParser,
      wantsProgress: tts.streamProgress,
      setProgress: (send) => {
        onProgress = send;
      },
    });
  };
}

interface StreamTarget {
  body: ChatRequestWire;
  response: Response;
  departure: ClientDeparture;
  identity: CompletionIdentity;
  reasoningParser: ReasoningParserName | null;
  wantsProgress: boolean;
  /** Where the search's progress events go from now on. */
  setProgress: (send: (event: SearchEvent) => void) => void;
}

/** Streaming: headers now, keep-alives while searching so clients never time out. */
async function streamTts(
  deps: ChatRouteDeps,
  logger: Logger,
  run: TtsRun,
  target: StreamTarget,
): Promise<void> {
  const { body, response, departure, identity, reasoningParser } = target;
  // Headers wait for the prompt's render and context check (one upstream call): a request that
  // fails there gets its HTTP status (a 400 context_length_exceeded), as a plain stream does.
  await run.started;
  // With auto the method is known only after the probe: the header says 'auto' then.
  const sse = openSse(response, { 'x-tts-strategy': run.method });
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
  target.setProgress((event) => {
    if (!target.wantsProgress) return;
    sendRole();
    sse.send(progressChunk(identity, event));
  });
  try {
    const result = await run.result;
    recordOutcome(deps, logger, result.metadata, requestIdOf(response));
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
    if (run.shadowInput) deps.shadow?.maybeRun(run.shadowInput, result);
  } catch (error) {
    if (isAbortError(error) && departure.aborted) return;
    // Headers are gone: report the error in-band so OpenAI SDKs throw (they check `error` keys).
    const mapped = toHttpError(error);
    if (mapped.isUnexpected) logger.error({ err: error }, 'tts stream failed');
    else if (mapped.status >= 500)
      logger.warn(
        {
          reqId: requestIdOf(response),
          status: mapped.status,
          code: mapped.body.error.code,
          ...causeOf(error),
        },
        'tts stream failed',
      );
    sse.send(mapped.body);
    sse.done();
  } finally {
    clearInterval(keepalive);
  }
}

function recordOutcome(
  deps: ChatRouteDeps,
  logger: Logger,
  metadata: SolveMetadata,
  reqId: string | undefined,
): void {
  const { method, degraded, degradedReason, auto } = metadata;
  if (degraded) logger.warn({ reqId, degraded, reason: degradedReason, method }, 'tts degraded');
  deps.metrics.ttsMethods.inc({ method, requested: metadata.requestedStrategy });
  // The label is the closed set's code; the message (which may quote request values) is logged.
  if (degradedReason) deps.metrics.ttsDegraded.inc({ reason: degradedReason });
  deps.metrics.ttsGenerations.inc({ method }, metadata.generations);
  deps.metrics.policyTokens.inc({ kind: 'prompt' }, metadata.policyPromptTokens);
  deps.metrics.policyTokens.inc({ kind: 'completion' }, metadata.policyCompletionTokens);
  deps.metrics.prmTokens.inc({ kind: 'processed' }, metadata.prmTokens);
  deps.metrics.prmTokens.inc({ kind: 'cached' }, metadata.prmCachedTokens);
  if (auto) {
    deps.metrics.ttsAutoChoices.inc({ bin: auto.difficulty?.bin ?? 'unknown', method });
    if (auto.earlyStop && auto.earlyStop.samplesSaved > 0)
      deps.metrics.earlyStopSavedSamples.inc({ method }, auto.earlyStop.samplesSaved);
  }
}
