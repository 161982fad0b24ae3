/**
 * After the search: vote over the complete candidates (or, without answers, choose by reward or
 * consensus), account tokens and FLOPs, and label every degradation — the worst case is a smaller
 * answer, never a failed request, unless nothing usable came back at all (502/504).
 */
import { DeadlineError, InvalidRequestError, UpstreamError } from '../errors';
import type { AutoDecision } from '../select';
import type { GroupingSession } from '../answer';
import { isCompleteCandidate, placeVotingAnswers, selectAnswer } from '../tts';
import type {
  Candidate,
  SearchResult,
  SearchWarning,
  VotingAnswerReader,
} from '../tts/search-types';
import { chooseOpenEnded } from './open-ended-choice';
import { autoMetadata } from './run-auto';
import type {
  DegradedReason,
  SolveInput,
  SolveMetadata,
  SolveResult,
  VoteRow,
} from './solve-types';

/** What the search left behind for the vote. */
export interface FinishedSearch {
  result: SearchResult;
  /** auto's decision when it got that far (also when the deadline cut the run after it). */
  decision: AutoDecision | null;
  /** Sampling settings the upstream could not pin (warnings). */
  samplingNotes: readonly string[];
  /** Policy calls besides the search's own (rendering and counting the prompt): `supportCalls`. */
  policySupportCalls: number;
  isCutByDeadline: boolean;
  promptTokens: number;
  /** What the context left after the prompt (`contextRoom` of the bound policy), when known. */
  contextRoom?: number;
  /** The most tokens a step (or a whole solution) was allowed. */
  stepTokenCap?: number;
  /** Whether every continuation of the last policy call was cut by its token cap. */
  isLastCallCut?: () => boolean;
  /** `input.now()` when the solve started. */
  startedMs: number;
  /** The request's answer reader (what the search's own votes read already). */
  readAnswers?: VotingAnswerReader;
  /** A turn of the event loop before each slice of answers read (`SearchDeps.pace`). */
  pace?: () => Promise<void>;
}

export async function voteAndAccount(
  input: SolveInput,
  search: FinishedSearch,
  session: GroupingSession,
): Promise<SolveResult> {
  const { backend, plan } = input;
  const { result, decision, isCutByDeadline, promptTokens } = search;
  const complete = result.candidates.filter(isCompleteCandidate);
  const warnings = [...result.warnings, ...search.samplingNotes.map(samplingNote)];
  const degrading = warnings.find(isDegrading);
  let degraded: string | null = degrading?.message ?? null;
  let degradedReason: DegradedReason | null = degrading?.code ?? null;
  /** The first reason found stands, as the first message does. */
  const degrade = (reason: DegradedReason, message: string): void => {
    degradedReason ??= reason;
    degraded ??= message;
  };
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
  const answers = await placeVotingAnswers(complete, session, search.readAnswers, search.pace);
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
    degrade('majority-fallback', 'some candidates have no PRM scores; voted by majority');
  }
  let chosen: Candidate[] = [];
  for (const entry of selection.top) {
    const candidate = complete[entry.candidateIndex];
    if (candidate !== undefined) chosen.push(candidate);
  }
  let picked: { selection: SolveMetadata['selection']; vote: string; voteTable: VoteRow[] } = {
    selection: 'answer-vote',
    vote: selection.effectiveVote,
    voteTable: selection.table,
  };
  // Which heuristic rule read the request as it was read (docs/request-scope.md), unless the
  // plan already quotes it (auto on an open-ended request).
  const scope = input.scopeReason;
  let reason =
    scope === undefined || ran.reason.includes(scope)
      ? ran.reason
      : `${ran.reason}; the last user turn ${scope}`;
  if (chosen.length === 0) {
    // No answer to vote on (open-ended text, or none extractable): choose by reward, not position.
    const openEnded = chooseOpenEnded(complete, ran.aggregation, input.choices);
    if (openEnded) {
      chosen = openEnded.chosen;
      picked = openEnded;
      reason = `${reason}; ${openEnded.reason}`;
      if (input.looksSingleAnswer !== false)
        degrade(
          'no-extractable-answer',
          `no candidate had an extractable answer; chosen by ${openEnded.selection}`,
        );
    } else {
      const partial = result.candidates.find((c) => c.text.length > 0);
      // The deadline is the cause, not the upstream: say so (504), and log why.
      if (!partial && isCutByDeadline)
        throw new DeadlineError(input.timeoutMs, input.isClientTimeout === true);
      // Every path ran out of a context smaller than a step: the same conversation would again.
      if (!partial && isCutByContext(search)) throw contextExhaustedError(input, search);
      if (!partial) {
        throw new UpstreamError('the policy produced no usable sample', {
          upstream: backend.info.servedName,
          status: 502,
        });
      }
      chosen = [partial];
      picked = { ...picked, selection: 'partial' };
      degrade('partial-solution', 'no candidate finished; returning a partial solution');
    }
  }
  if (input.choices > 1) warnAboutChoices(warnings, selection.top, chosen.length, input.choices);
  const policyFlops =
    2 *
    backend.info.paramsB *
    1e9 *
    (result.usage.policyPromptTokens + result.usage.policyCompletionTokens);
  const prmFlops = 2 * (backend.info.prm?.paramsB ?? 0) * 1e9 * result.usage.prmPromptTokens;
  const choices: SolveResult['choices'] = [];
  let answerTokens = 0;
  for (let i = 0; i < chosen.length; i++) {
    const c = chosen[i] as Candidate;
    choices.push({
      text: c.text,
      answer: selection.top[i]?.answer ?? null,
      finishReason: c.finish === 'length' ? 'length' : 'stop',
    });
    answerTokens += c.completionTokens;
  }
  // Exactly n choices, as OpenAI returns: fewer finished candidates are repeated in rank order
  // (said in `fewer-choices`), so a client indexing `choices[n-1]` finds one.
  for (let i = 0; choices.length > 0 && choices.length < input.choices; i++)
    choices.push({ ...(choices[i] as SolveResult['choices'][number]) });
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
      policyPromptCalls: search.policySupportCalls,
      prmCalls: result.usage.prmCalls,
      rounds: result.usage.rounds,
      generations: result.usage.generations,
      policyPromptTokens: result.usage.policyPromptTokens,
      policyCompletionTokens: result.usage.policyCompletionTokens,
      prmTokens: result.usage.prmPromptTokens,
      prmCachedTokens: result.usage.prmCachedTokens,
      policyFlops,
      prmFlops,
      latencyMs: Math.round(input.now() - search.startedMs),
      warnings,
      degraded,
      degradedReason,
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

// Module-level helpers rather than per-call callbacks: this runs on every request, and V8 drops
// the optimised code of closures whose last instance died, then optimises them again.

/**
 * OpenAI's `n` asks for n choices; a client may index `choices[n-1]`. Say when some repeat an
 * answer (fewer distinct answers than n) and when fewer than n candidates finished (the rest of
 * the n choices then repeat them).
 */
function warnAboutChoices(
  warnings: SearchWarning[],
  top: readonly { isRepeat: boolean }[],
  returned: number,
  asked: number,
): void {
  const distinct = top.filter((entry) => !entry.isRepeat).length;
  if (distinct > 0 && distinct < top.length) {
    warnings.push({
      code: 'choices-repeat-answers',
      message: `n=${asked}: ${distinct} distinct answer(s); choices ${distinct + 1}-${top.length} are other solutions with the same answers`,
    });
  }
  if (returned < asked) {
    warnings.push({
      code: 'fewer-choices',
      message: `n=${asked}: only ${returned} candidate(s) finished (the budget or the finished samples were fewer); choices ${returned + 1}-${asked} repeat them in order`,
    });
  }
}

function samplingNote(message: string): SearchWarning {
  return { code: 'sampling-not-pinned', message };
}

/** Warnings that make the answer a degraded one (their codes are degraded reasons). */
function isDegrading(warning: SearchWarning): warning is SearchWarning & { code: DegradedReason } {
  return (
    warning.code === 'verifier-unavailable' ||
    warning.code === 'policy-failed' ||
    warning.code === 'aborted'
  );
}

/**
 * The search ended with every continuation of its last call stopped at its token cap, and the
 * context left less room than a step may take: the caps were the context's (the budget wrapper
 * lowers `max_tokens` to the room left), so the paths died of it.
 */
function isCutByContext(search: FinishedSearch): boolean {
  return (
    search.contextRoom !== undefined &&
    search.stepTokenCap !== undefined &&
    search.contextRoom < search.stepTokenCap &&
    search.isLastCallCut?.() === true
  );
}

/** The 400 for a search that every path ran out of context in (a retry would too). */
function contextExhaustedError(input: SolveInput, search: FinishedSearch): InvalidRequestError {
  return new InvalidRequestError(
    `This conversation is ${search.promptTokens} tokens after the prompt template, which leaves ${search.contextRoom ?? 0} tokens of model '${input.backend.info.name}''s context (max_model_len): every sampled path ran out of it before finishing a step (up to ${search.stepTokenCap ?? 0} tokens). Shorten the messages.`,
    'messages',
    'context_length_exceeded',
  );
}
