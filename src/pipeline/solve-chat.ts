/**
 * One TTS request end to end: bind the policy to the conversation, run the planned method, vote,
 * account tokens and FLOPs, and degrade instead of failing (a TTS failure never fails the request;
 * the worst case is a smaller answer, labelled in `degraded` and `warnings`).
 */
import { DeadlineError, UpstreamError } from '../errors';
import { autoSearch, type AutoDecision, type TableMethod } from '../select';
import { createSeededRandom, isAbortError } from '../util';
import { chooseOpenEnded } from './open-ended-choice';
import { recordUpstreams, type RecordingUpstreams } from './recording-upstreams';
import { createLocalGroupingService, type GroupingService, type GroupingSession } from '../answer';
import { METHODS, isCompleteCandidate, placeVotingAnswers, selectAnswer } from '../tts';
import type {
  Aggregation,
  Candidate,
  SearchDeps,
  SearchEvent,
  SearchOptions,
  SearchResult,
  SearchWarning,
} from '../tts/search-types';
import type { ModelBackend, PolicyMessage } from '../contracts';
import type { TtsPlan } from './tts-plan';

export interface SolveInput {
  backend: ModelBackend;
  plan: TtsPlan;
  messages: readonly PolicyMessage[];
  /** The question the PRM sees: the last user turn, earlier turns folded in (verifierQuestion). */
  question: string;
  /**
   * Whether the request looks like a single-answer problem (docs/request-scope.md): then the
   * answer-format instruction is added (per the model's `answer_instruction.when`). Default true.
   */
  looksSingleAnswer?: boolean;
  /** Why the last user turn looks (or does not look) like a single-answer problem, for reasons. */
  scopeReason?: string;
  /** OpenAI `n`: number of distinct answers to return. */
  choices: number;
  /** Client cap on tokens for one solution (max_completion_tokens / max_tokens). */
  maxTokens: number | null;
  seed: number;
  returnCandidates: boolean;
  signal?: AbortSignal;
  onEvent?: (event: SearchEvent) => void;
  /** Clock injected for latency (ms). */
  now: () => number;
  /** Wall-clock budget for the search; when reached, the best answer so far is returned, labelled. */
  timeoutMs: number;
  /** Where answers are grouped for the vote (a worker pool in the server); this thread when absent. */
  grouping?: GroupingService;
}

export interface SolveChoice {
  text: string;
  answer: string | null;
  finishReason: 'stop' | 'length';
}

export interface VoteRow {
  answer: string;
  count: number;
  scoreSum: number;
  maxScore: number;
}

export interface SolveMetadata {
  method: string;
  requestedStrategy: string;
  n: number;
  m: number;
  aggregation: string;
  vote: string;
  reason: string;
  sources: Record<string, string>;
  /** How the answer was chosen: a vote over answers, or (no answers) by reward or consensus. */
  selection: 'answer-vote' | 'reward' | 'consensus' | 'partial';
  voteTable: VoteRow[];
  selectedAnswer: string | null;
  candidates: number;
  completeCandidates: number;
  policyCalls: number;
  prmCalls: number;
  rounds: number;
  generations: number;
  policyPromptTokens: number;
  policyCompletionTokens: number;
  prmTokens: number;
  prmCachedTokens: number;
  policyFlops: number;
  prmFlops: number;
  latencyMs: number;
  warnings: SearchWarning[];
  degraded: string | null;
  simulated: boolean;
  /** Set when the strategy was chosen per request (`tts_strategy: auto` with a strategy table). */
  auto: AutoMetadata | null;
  candidateDetails:
    | {
        text: string;
        answer: string | null;
        stepScores: number[] | null;
        finish: string;
        score: number | null;
      }[]
    | null;
}

/** What `auto` decided and why (response metadata `tts.auto`). */
export interface AutoMetadata {
  /** The probe's size k (0 = no probe) and why. */
  probeSamples: number;
  probeReason: string;
  /** null without a probe; then `bin` is the table's default for unknown difficulty. */
  difficulty: { bin: string; reason: string; signals: Record<string, number | null> } | null;
  bin: string;
  table: string;
  row: { index: number; method: string; source: string };
  sizeClass: string;
  prmClass: string;
  /** How the budget N splits between the probe and the method (and what is left unspent). */
  accounting: string;
  earlyStop: {
    rule: string;
    stopped: boolean;
    reason: string;
    samplesDrawn: number;
    samplesSaved: number;
    posterior: number | null;
  } | null;
  budgetSpent: number;
}

export interface SolveResult {
  choices: SolveChoice[];
  promptTokens: number;
  completionTokens: number;
  /** Tokens of the returned answer(s); the rest of completionTokens is search ("reasoning"). */
  answerTokens: number;
  metadata: SolveMetadata;
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

export async function solveChat(input: SolveInput): Promise<SolveResult> {
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
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), input.timeoutMs);
  const signal = input.signal ? AbortSignal.any([input.signal, deadline.signal]) : deadline.signal;
  let result: SearchResult;
  let isCutByDeadline = false;
  let decision: AutoDecision | null = null;
  let samplingNotes: (() => readonly string[]) | undefined;
  try {
    const created = await backend.createPolicy(input.messages, signal, {
      addAnswerInstruction: wantsAnswerInstruction(input),
    });
    const policy = created.policy;
    samplingNotes = created.samplingNotes;
    promptTokens = created.promptTokens;
    const needsVerifier =
      plan.method === 'auto' ||
      plan.method === 'best_of_n' ||
      plan.method === 'beam_search' ||
      plan.method === 'dvts';
    recorder = recordUpstreams(policy, needsVerifier ? backend.createVerifier() : null);
    const deps: SearchDeps = {
      policy: recorder.policy,
      verifier: recorder.verifier,
      question: input.question,
      random: createSeededRandom(input.seed),
      signal,
      ...(input.onEvent ? { onEvent: input.onEvent } : {}),
      answers: session,
    };
    if (plan.method === 'auto') {
      // Kept as soon as auto decides, so a deadline that cuts the run still reports the decision.
      const auto = await runAuto(input, deps, (decided) => {
        decision = decided;
      });
      decision = auto.decision;
      result = auto;
    } else {
      result = await METHODS[plan.method](searchOptions(input), deps);
    }
  } catch (error) {
    const isDeadline =
      isAbortError(error) && deadline.signal.aborted && !(input.signal?.aborted ?? false);
    if (!isDeadline) throw error;
    isCutByDeadline = true;
    result = partialResult(recorder, input.timeoutMs);
  } finally {
    clearTimeout(timer);
  }

  const complete = result.candidates.filter(isCompleteCandidate);
  const warnings = [
    ...result.warnings,
    ...(samplingNotes?.() ?? []).map((message) => ({
      code: 'sampling-not-pinned' as const,
      message,
    })),
  ];
  let degraded: string | null =
    warnings.find(
      (w) =>
        w.code === 'verifier-unavailable' || w.code === 'policy-failed' || w.code === 'aborted',
    )?.message ?? null;
  // What actually ran: auto's decision when it got that far, else the plan.
  const ran = decision
    ? {
        method: decision.method,
        m: decision.m,
        aggregation: decision.aggregation,
        vote: decision.vote,
        reason: `auto: ${decision.reason}`,
      }
    : {
        method: plan.method,
        m: plan.m,
        aggregation: plan.aggregation,
        vote: plan.vote,
        reason: plan.reason,
      };
  const answers = await placeVotingAnswers(complete, session);
  const selection = selectAnswer(complete, {
    aggregation: ran.aggregation,
    vote: ran.vote,
    topN: input.choices,
    grouping: session,
    answers,
  });
  const grouped = session.stats();
  if (grouped.degradedReason !== null) {
    warnings.push({
      code: 'equivalence-degraded',
      message:
        grouped.degradedReason === 'budget-exhausted'
          ? `answer grouping reached its work budget (${grouped.stepsUsed} steps); ${grouped.skippedComparisons} comparison(s) left out, those answers grouped by canonical key only`
          : `answer grouping ${grouped.degradedReason === 'worker-failed' ? 'worker failed' : 'was incomplete'}; answers grouped by canonical key only`,
    });
  }
  if (selection.fellBackToMajority && ran.vote !== 'majority') {
    degraded ??= 'some candidates have no PRM scores; voted by majority';
  }
  let chosen: Candidate[] = selection.top
    .map((entry) => complete[entry.candidateIndex])
    .filter((c): c is Candidate => c !== undefined);
  let picked: { selection: SolveMetadata['selection']; vote: string; voteTable: VoteRow[] } = {
    selection: 'answer-vote',
    vote: selection.effectiveVote,
    voteTable: selection.table,
  };
  let reason = ran.reason;
  if (chosen.length === 0) {
    // No answer to vote on (open-ended text, or none extractable): choose by reward, not position.
    const openEnded = chooseOpenEnded(complete, ran.aggregation, input.choices);
    if (openEnded) {
      chosen = openEnded.chosen;
      picked = openEnded;
      reason = `${reason}; ${openEnded.reason}`;
      if (input.looksSingleAnswer !== false)
        degraded ??= `no candidate had an extractable answer; chosen by ${openEnded.selection}`;
    } else {
      const partial = result.candidates.find((c) => c.text.length > 0);
      // The deadline is the cause, not the upstream: say so (504), and log why.
      if (!partial && isCutByDeadline) throw new DeadlineError(input.timeoutMs);
      if (!partial) {
        throw new UpstreamError('the policy produced no usable sample', {
          upstream: backend.info.servedName,
          status: 502,
        });
      }
      chosen = [partial];
      picked = { ...picked, selection: 'partial' };
      degraded ??= 'no candidate finished; returning a partial solution';
    }
  }
  const policyFlops =
    2 *
    backend.info.paramsB *
    1e9 *
    (result.usage.policyPromptTokens + result.usage.policyCompletionTokens);
  const prmFlops = 2 * (backend.info.prm?.paramsB ?? 0) * 1e9 * result.usage.prmPromptTokens;
  const choices = chosen.map((c) => ({
    text: c.text,
    answer: null as string | null,
    finishReason: c.finish === 'length' ? ('length' as const) : ('stop' as const),
  }));
  selection.top.forEach((entry, i) => {
    const choice = choices[i];
    if (choice) choice.answer = entry.answer;
  });
  const answerTokens = chosen.reduce((sum, c) => sum + c.completionTokens, 0);
  const completionTokens = result.usage.policyCompletionTokens;
  return {
    choices,
    promptTokens,
    completionTokens,
    answerTokens: Math.min(answerTokens, completionTokens),
    metadata: {
      method: ran.method,
      requestedStrategy: plan.requested,
      n: plan.n,
      m: ran.m,
      aggregation: ran.aggregation,
      vote: picked.vote,
      reason,
      sources: plan.sources,
      selection: picked.selection,
      voteTable: picked.voteTable,
      selectedAnswer: selection.top[0]?.answer ?? null,
      candidates: result.candidates.length,
      completeCandidates: complete.length,
      policyCalls: result.usage.policyCalls,
      prmCalls: result.usage.prmCalls,
      rounds: result.usage.rounds,
      generations: result.usage.generations,
      policyPromptTokens: result.usage.policyPromptTokens,
      policyCompletionTokens: result.usage.policyCompletionTokens,
      prmTokens: result.usage.prmPromptTokens,
      prmCachedTokens: result.usage.prmCachedTokens,
      policyFlops,
      prmFlops,
      latencyMs: Math.round(input.now() - started),
      warnings,
      degraded,
      simulated: backend.info.isSimulated,
      auto: decision ? autoMetadata(decision, backend.info.auto?.table.name ?? '') : null,
      candidateDetails: input.returnCandidates
        ? result.candidates.map((c) => {
            // selectAnswer saw only the complete candidates; map back by identity.
            const k = complete.indexOf(c);
            return {
              text: c.text,
              answer: k >= 0 ? (selection.answers[k] ?? null) : null,
              stepScores: c.stepScores,
              finish: c.finish,
              score: k >= 0 ? (selection.scores[k] ?? null) : null,
            };
          })
        : null,
    },
  };
}

/** The model's `answer_instruction.when` applied to this request. */
function wantsAnswerInstruction(input: SolveInput): boolean {
  const when = input.backend.info.scope?.answerInstruction ?? 'single-answer';
  return when === 'always' || (when === 'single-answer' && input.looksSingleAnswer !== false);
}

/** `tts_strategy: auto`: probe, look the row up, run it reusing the probe (src/select/auto-search.ts). */
async function runAuto(
  input: SolveInput,
  deps: SearchDeps,
  onDecision: (decision: AutoDecision) => void,
): ReturnType<typeof autoSearch> {
  const { backend, plan } = input;
  const info = backend.info;
  const settings = info.auto;
  if (!settings || !plan.auto) throw new Error('runAuto needs auto settings and an auto plan');
  const unavailableMethods = Object.keys(info.unsupportedMethods ?? {}).filter(
    (name): name is TableMethod => name !== 'cot',
  );
  const overrides: { m?: number; aggregation?: Aggregation; vote?: AutoDecision['vote'] } = {
    ...plan.auto.overrides,
  };
  return autoSearch(
    {
      table: settings.table,
      context: {
        policyParamsB: info.paramsB,
        policyFamily: info.family,
        prmFamily: info.prm?.family ?? null,
        budget: plan.n,
      },
      modelName: info.name,
      search: searchOptions(input),
      defaultM: settings.defaultM,
      prmDefaults: info.prm ? { aggregation: info.prm.aggregation, vote: info.prm.vote } : null,
      unavailableMethods,
      overrides,
      earlyStop: settings.earlyStop,
      openEnded:
        input.looksSingleAnswer === false
          ? (input.scopeReason ?? 'does not look like a single-answer problem')
          : null,
      batchGrowth: settings.batchGrowth,
      onDecision,
    },
    deps,
  );
}

/** `tts.auto`; none for an open-ended request, which uses no table row (Best-of-N by reward). */
function autoMetadata(decision: AutoDecision, tableName: string): AutoMetadata | null {
  const { difficulty, lookup, earlyStop } = decision;
  if (lookup === null) return null;
  return {
    probeSamples: decision.probe.samples,
    probeReason: decision.probe.reason,
    difficulty: difficulty
      ? {
          bin: difficulty.bin,
          reason: difficulty.reason,
          signals: {
            samples: difficulty.signals.samples,
            valid_answers: difficulty.signals.validAnswers,
            agreement: difficulty.signals.agreement,
            normalized_entropy: difficulty.signals.normalizedEntropy,
            invalid_share: difficulty.signals.invalidShare,
            mean_final_score: difficulty.signals.meanFinalScore,
          },
        }
      : null,
    bin: lookup.difficulty,
    table: tableName,
    row: { index: lookup.rowIndex, method: lookup.method, source: lookup.row.source },
    sizeClass: lookup.sizeClass,
    prmClass: lookup.prmClass,
    accounting: decision.reuse.accounting,
    earlyStop: earlyStop
      ? {
          rule: earlyStop.rule,
          stopped: earlyStop.samplesSaved > 0,
          reason: earlyStop.reason,
          samplesDrawn: earlyStop.samplesDrawn,
          samplesSaved: earlyStop.samplesSaved,
          posterior: earlyStop.posterior,
        }
      : null,
    budgetSpent: decision.budgetSpent,
  };
}
