/**
 * The pipeline's one entrance for a chat request: resolve what the request asks for (tts-plan),
 * apply the scope rule (request-scope), and either say "pass it through" or run the plan's method
 * from tts/ (or `auto`'s, src/select/auto-search.ts), then vote and account (vote-and-account).
 * Route → `solveChat` → method: the whole path of a TTS request.
 */
import { setMaxListeners } from 'node:events';
import type { GroupingService, GroupingSession } from '../answer';
import { createLocalGroupingService } from '../answer';
import type { AutoDecision } from '../select';
import { createSeededRandom, isAbortError, yieldToEventLoop, type AbortSource } from '../util';
import { METHODS, METHOD_TRAITS, createVotingAnswerReader } from '../tts';
import type {
  MethodName,
  SearchDeps,
  SearchEvent,
  SearchOptions,
  SearchResult,
} from '../tts/search-types';
import type { ModelBackend } from '../contracts';
import { InvalidRequestError, OverloadedError } from '../errors';
import { recordUpstreams, type RecordingUpstreams } from './recording-upstreams';
import { decideScope, type BudgetOrigin, type ScopeDecision } from './request-scope';
import { runAuto } from './run-auto';
import type { SolveInput, SolveResult } from './solve-types';
import { resolveTimeout, resolveTtsPlan, type StrategyName, type TtsDefaults } from './tts-plan';
import type { ChatConversation, TtsRequest, TtsRequestSources } from './tts-request';
import { verifierQuestion } from './verifier-question';
import { voteAndAccount } from './vote-and-account';
import { applyClientStop } from './client-stop';

/** What the server hands the pipeline besides the request: limits, clock, seeds, cancellation. */
export interface ChatContext {
  defaults: TtsDefaults;
  /** The calling API key's own maximum budget (below the server's), or null. */
  keyMaxBudget: number | null;
  /**
   * Whose turns the request's upstream calls share when the connections are all busy (the API
   * key's; `CreatePolicyOptions.turnOwner`); absent, the request takes turns of its own.
   */
  turnOwner?: object;
  /** Aborted when the client goes away: every upstream call of the request stops. */
  signal: AbortSource;
  now: () => number;
  /** A seed for a request that sent none. */
  randomSeed: () => number;
  grouping?: GroupingService;
  /** Search progress (the server streams it when the client asked for it). */
  onEvent?: (event: SearchEvent) => void;
  /** The server's bound on request memory (the body gate), which a scored search counts in. */
  reserve?: {
    /** Count bytes until the response is over; false (nothing counted) when the bound is full. */
    bytes: (bytes: number) => boolean;
    /** The whole bound: a search needing more could never run. */
    bound?: number;
  };
}

/**
 * Copies of the question a verifier-scored search holds per path while a PRM call is out: each
 * path's rendered text, the call's JSON, and the client's buffer of it (measured: 15.7 MB live
 * for a 20 KB question and 256 paths, ~3.07 per path and question byte).
 */
const QUESTION_COPIES_PER_PATH = 3;

/** Why a request that TTS would have served passes through (docs/request-scope.md). */
export type ScopePassThrough = Extract<ScopeDecision, { kind: 'passthrough' }> & {
  /** The strategy the request resolved to before the scope rule sent it through. */
  requested: StrategyName;
};

/** What the route does with a request, decided before any upstream call. */
export type ChatRun =
  | {
      kind: 'passthrough';
      /** null when the request asked for no TTS at all; set when the scope rule sent it. */
      scope: ScopePassThrough | null;
    }
  | {
      kind: 'tts';
      /**
       * The plan's method, known before the search starts (the streaming header and the metrics
       * label); 'auto' until the probe decides, the metadata then says what ran.
       */
      method: MethodName | 'auto';
      /** The search, already under way; rejects with the errors the server maps. */
      result: Promise<SolveResult>;
      /**
       * Settles when the prompt is rendered and fits the model and the search begins, or rejects
       * as `result` does when the request fails before that (a conversation too long for the
       * context): a stream opens only then, so such a failure still gets its HTTP status.
       */
      started: Promise<void>;
      /** What a shadow baseline run reuses; null when the client forced an A/B arm (that is the comparison already). */
      shadowInput: SolveInput | null;
    };

/**
 * Resolve the request against the model and either pass it through or start solving it. Request
 * errors (a budget above a limit, a method the model cannot run, a timeout above the maximum)
 * throw here, before anything is sent.
 */
export function solveChat(
  request: TtsRequest,
  backend: ModelBackend,
  context: ChatContext,
): ChatRun {
  const isAsked =
    request.header !== null ||
    request.body !== null ||
    request.alias !== null ||
    request.forcedArm !== null;
  const defaultBudget = backend.info.scope?.defaultBudget ?? null;
  const sources: TtsRequestSources = {
    header: request.header,
    body: request.body,
    alias: request.alias,
    forcedArm: request.forcedArm,
    modelDefault: isAsked || defaultBudget === null ? null : { n: defaultBudget },
  };
  const planned = resolveTtsPlan(sources, backend.info, context.defaults, context.keyMaxBudget);
  if (planned === null) return { kind: 'passthrough', scope: null };
  const conversation = request.conversation;
  const origin: BudgetOrigin = !isAsked
    ? 'default'
    : request.header === null && request.body === null && request.forcedArm === null
      ? 'alias'
      : 'request';
  const scope = scopeOf(conversation, backend, origin);
  if (scope.kind === 'passthrough')
    return { kind: 'passthrough', scope: { ...scope, requested: planned.requested } };
  // An open-ended request under `auto` is decided by auto itself (select/auto-search.ts).
  const plan = planned;
  const question = verifierQuestion(conversation.messages);
  reserveSearchMemory(plan, question, conversation.messages, backend, context);
  const input: SolveInput = {
    backend,
    plan,
    messages: conversation.messages,
    question,
    looksSingleAnswer: scope.verdict.looksSingleAnswer,
    scopeReason: scope.verdict.reason,
    choices: conversation.choices,
    maxTokens: conversation.maxTokens,
    seed: conversation.seed ?? context.randomSeed(),
    returnCandidates: request.returnCandidates,
    signal: context.signal,
    now: context.now,
    timeoutMs: resolveTimeout(request.timeoutMs, context.defaults),
    isClientTimeout: request.timeoutMs !== null,
    ...(context.grouping ? { grouping: context.grouping } : {}),
    ...(context.turnOwner ? { turnOwner: context.turnOwner } : {}),
  };
  let markStarted = (): void => {};
  const searchStarted = new Promise<void>((resolve) => {
    markStarted = resolve;
  });
  const result = solvePlan({
    ...input,
    ...(context.onEvent ? { onEvent: context.onEvent } : {}),
    onSearchStart: markStarted,
  }).then((solved) => {
    addIgnoredWarning(solved, conversation.ignoredParameters);
    applyClientStop(solved, conversation.stop);
    return solved;
  });
  const started = Promise.race([searchStarted, result.then(() => undefined)]);
  // Only a stream awaits it; the others hear of a failure from `result`.
  started.catch(() => undefined);
  return {
    kind: 'tts',
    method: plan.method,
    result,
    started,
    shadowInput: request.forcedArm === null ? input : null,
  };
}

/**
 * A PRM call carries the question once per path: a long question at a large budget holds many
 * times its body (256 paths of a 150 KB question: ~110 MB), which the body gate never counted.
 * Counted before anything is sent, so a full bound refuses the request (429) rather than the
 * process running out of memory.
 */
function reserveSearchMemory(
  plan: { method: MethodName | 'auto'; n: number; m: number },
  question: string,
  messages: readonly { content: string }[],
  backend: ModelBackend,
  context: ChatContext,
): void {
  const { reserve } = context;
  if (reserve === undefined) return;
  // `auto` is counted as the step-wise scored search it may run (it may settle for majority).
  const isScored =
    plan.method === 'auto'
      ? backend.createVerifier() !== null
      : METHOD_TRAITS[plan.method].needsVerifier;
  if (!isScored) return;
  const isStepWise = plan.method === 'auto' || METHOD_TRAITS[plan.method].isStepWise;
  // A step-wise round also sends the whole rendered conversation once per policy call (N/M of
  // them), as text and as JSON: a long system prompt costs there, not in the PRM's question.
  let conversationChars = 0;
  for (const message of messages) conversationChars += message.content.length;
  const callsPerPath = isStepWise ? 1 / Math.max(1, plan.m) : 0;
  const perPath =
    QUESTION_COPIES_PER_PATH * (Math.max(1, question.length) + callsPerPath * conversationChars);
  const bytes = Math.ceil(perPath * plan.n);
  if (reserve.bound !== undefined && bytes > reserve.bound) {
    const fits = Math.floor(reserve.bound / perPath);
    throw new InvalidRequestError(
      `A search of ${plan.n} paths over a conversation of ${conversationChars} characters needs more memory than this server allows any request (${Math.ceil(bytes / 2 ** 20)} of ${Math.floor(reserve.bound / 2 ** 20)} MiB); use a tts_budget of at most ${fits}, or a shorter conversation.`,
      'tts_budget',
      'budget_too_large',
    );
  }
  if (!reserve.bytes(bytes))
    throw new OverloadedError(
      `A search of ${plan.n} paths over a question this long needs more memory than is free now; retry later, or with a smaller tts_budget.`,
      1,
    );
}

/** The scope rule for a request that would run TTS (docs/request-scope.md). */
function scopeOf(
  conversation: ChatConversation,
  backend: ModelBackend,
  origin: BudgetOrigin,
): ScopeDecision {
  let lastUserText = '';
  for (let i = conversation.messages.length - 1; i >= 0; i--) {
    const message = conversation.messages[i];
    if (message?.role === 'user') {
      lastUserText = message.content;
      break;
    }
  }
  return decideScope({
    blockers: conversation.blockers,
    origin,
    lastUserText,
    hasStop: conversation.stop.length > 0,
    defaultBudgetScope: backend.info.scope?.defaultBudgetScope ?? 'single-answer',
  });
}

function addIgnoredWarning(result: SolveResult, ignored: readonly string[]): void {
  if (ignored.length > 0) {
    result.metadata.warnings.push({
      code: 'parameter-ignored',
      message: `${ignored.join(', ')} ignored: test-time scaling uses the policy family's sampling preset and prompt`,
    });
  }
}

/** Run one resolved plan: bind the policy, search, vote, account (also the shadow baseline's run). */
export async function solvePlan(input: SolveInput): Promise<SolveResult> {
  const session = (input.grouping ?? LOCAL_GROUPING).openSession();
  try {
    return await solveWithSession(input, session);
  } finally {
    session.close();
  }
}

const LOCAL_GROUPING = createLocalGroupingService();

async function solveWithSession(input: SolveInput, session: GroupingSession): Promise<SolveResult> {
  const started = input.now();
  const { backend, plan } = input;
  let promptTokens = 0;
  let recorder: RecordingUpstreams | null = null;
  // The deadline covers everything, prompt rendering included; the client's abort always wins.
  const abort = abortOnClientOrDeadline(input.signal, input.timeoutMs);
  // Each sample's answer is read once per request: early stopping's votes and the final one.
  const readAnswers = createVotingAnswerReader();
  const { signal } = abort;
  let result: SearchResult;
  let isCutByDeadline = false;
  let decision: AutoDecision | null = null;
  let samplingNotes: (() => readonly string[]) | undefined;
  let supportCalls: (() => number) | undefined;
  let contextRoom: number | undefined;
  const options = searchOptions(input);
  try {
    const created = await backend.createPolicy(input.messages, signal, {
      addAnswerInstruction: wantsAnswerInstruction(input),
      ...(input.turnOwner ? { turnOwner: input.turnOwner } : {}),
    });
    const policy = created.policy;
    samplingNotes = created.samplingNotes;
    supportCalls = created.supportCalls;
    promptTokens = created.promptTokens;
    contextRoom = created.contextRoom;
    input.onSearchStart?.();
    const needsVerifier = plan.method === 'auto' || METHOD_TRAITS[plan.method].needsVerifier;
    recorder = recordUpstreams(policy, needsVerifier ? backend.createVerifier() : null);
    const deps: SearchDeps = {
      policy: recorder.policy,
      verifier: recorder.verifier,
      question: input.question,
      random: createSeededRandom(input.seed),
      signal,
      ...(input.onEvent ? { onEvent: input.onEvent } : {}),
      answers: session,
      readAnswers,
      pace: yieldToEventLoop,
    };
    if (plan.method === 'auto') {
      // Kept as soon as auto decides, so a deadline that cuts the run still reports the decision.
      const auto = await runAuto(input, options, deps, (decided) => {
        decision = decided;
      });
      decision = auto.decision;
      result = auto;
    } else {
      result = await METHODS[plan.method](options, deps);
    }
  } catch (error) {
    const isDeadline =
      isAbortError(error) && abort.isDeadlinePassed() && !(input.signal?.aborted ?? false);
    if (!isDeadline) throw error;
    isCutByDeadline = true;
    result = partialResult(recorder, input.timeoutMs);
  } finally {
    abort.dispose();
  }
  return voteAndAccount(
    input,
    {
      result,
      decision,
      samplingNotes: samplingNotes?.() ?? [],
      policySupportCalls: supportCalls?.() ?? 0,
      isCutByDeadline,
      promptTokens,
      ...(contextRoom === undefined || recorder === null
        ? {}
        : {
            contextRoom,
            stepTokenCap: options.maxTokensPerStep,
            isLastCallCut: recorder.isLastCallCut,
          }),
      startedMs: started,
      readAnswers,
      pace: yieldToEventLoop,
    },
    session,
  );
}

interface RequestAbort {
  /** Aborted by the client's signal (with its reason) or by the deadline, whichever comes first. */
  signal: AbortSignal;
  isDeadlinePassed(): boolean;
  /** Stops the deadline timer and stops following the client's signal. */
  dispose(): void;
}

/**
 * One controller that follows the client's signal and the deadline: what
 * `AbortSignal.any([client, deadline])` gives for the life of a search, without the second
 * controller, the weak references and the registry it costs per request
 * (docs/performance.md#what-keeps-the-hot-path-cheap).
 */
export function abortOnClientOrDeadline(
  client: AbortSource | undefined,
  timeoutMs: number,
): RequestAbort {
  const controller = new AbortController();
  // Every upstream call in flight listens on this signal, and a search fans out by design (a PRM
  // before vLLM 0.10.2 tokenizes each path, up to tts.max_budget at once): Node's default of 10
  // would print a leak warning. The signal lives for one request and its listeners go with it.
  setMaxListeners(0, controller.signal);
  let isDeadlinePassed = false;
  const timer = setTimeout(() => {
    isDeadlinePassed = true;
    controller.abort();
  }, timeoutMs);
  const onClientAbort = (): void => controller.abort(client?.reason);
  if (client?.aborted) onClientAbort();
  else client?.addEventListener('abort', onClientAbort, { once: true });
  return {
    signal: controller.signal,
    isDeadlinePassed: () => isDeadlinePassed,
    dispose() {
      clearTimeout(timer);
      client?.removeEventListener('abort', onClientAbort);
    },
  };
}

/** The model's `answer_instruction.when` applied to this request. */
function wantsAnswerInstruction(input: SolveInput): boolean {
  const when = input.backend.info.scope?.answerInstruction ?? 'single-answer';
  return when === 'always' || (when === 'single-answer' && input.looksSingleAnswer !== false);
}

function searchOptions(input: SolveInput): SearchOptions {
  const preset = input.backend.info.sampling;
  const cap = input.maxTokens ?? preset.maxTotalTokens;
  const isCot = input.plan.method === 'cot';
  return {
    n: input.plan.n,
    m: input.plan.m,
    temperature: isCot ? preset.cotTemperature : preset.temperature,
    topP: isCot ? preset.cotTopP : preset.topP,
    maxTokensPerStep: Math.min(preset.maxTokensPerStep, cap),
    maxTotalTokens: Math.min(preset.maxTotalTokens, cap),
    maxDepth: preset.maxDepth,
    searchAggregation: 'last',
    seed: input.seed,
  };
}

/** What a search cut by the deadline leaves: the complete solutions recorded so far. */
function partialResult(recorder: RecordingUpstreams | null, timeoutMs: number): SearchResult {
  const usage = recorder?.usage();
  return {
    candidates: recorder?.completeCandidates() ?? [],
    usage: {
      policyCalls: usage?.policyCalls ?? 0,
      prmCalls: usage?.prmCalls ?? 0,
      rounds: usage?.policyCalls ?? 0,
      generations: usage?.generations ?? 0,
      policyPromptTokens: usage?.policyPromptTokens ?? 0,
      policyCompletionTokens: usage?.policyCompletionTokens ?? 0,
      prmPromptTokens: usage?.prmPromptTokens ?? 0,
      prmCachedTokens: 0,
    },
    warnings: [
      {
        code: 'aborted',
        message: `deadline of ${timeoutMs} ms reached; answered from the solutions finished so far`,
      },
    ],
  };
}
