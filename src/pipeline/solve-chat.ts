/**
 * One TTS request end to end: bind the policy to the conversation, run the planned method, vote,
 * account tokens and FLOPs, and degrade instead of failing (a TTS failure never fails the request;
 * the worst case is a smaller answer, labelled in `degraded` and `warnings`).
 */
import { UpstreamError } from '../errors';
import { createSeededRandom, isAbortError } from '../util';
import { recordUpstreams, type RecordingUpstreams } from './recording-upstreams';
import { METHODS, isCompleteCandidate, selectAnswer } from '../tts';
import type { Candidate, SearchEvent, SearchOptions, SearchResult, SearchWarning } from '../tts/search-types';
import type { ModelBackend, PolicyMessage } from './model-backend';
import type { TtsPlan } from './tts-plan';

export interface SolveInput {
  backend: ModelBackend;
  plan: TtsPlan;
  messages: readonly PolicyMessage[];
  /** The question the PRM sees: the last user turn. */
  question: string;
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
  candidateDetails: { text: string; answer: string | null; stepScores: number[] | null; finish: string; score: number | null }[] | null;
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
    temperature: isCot ? 0 : preset.temperature,
    topP: isCot ? 1 : preset.topP,
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
    warnings: [{ code: 'aborted', message: `deadline of ${timeoutMs} ms reached; answered from the solutions finished so far` }],
  };
}

export async function solveChat(input: SolveInput): Promise<SolveResult> {
  const started = input.now();
  const { backend, plan } = input;
  let promptTokens = 0;
  let recorder: RecordingUpstreams | null = null;
  // The deadline covers everything, prompt rendering included; the client's abort always wins.
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), input.timeoutMs);
  const signal = input.signal ? AbortSignal.any([input.signal, deadline.signal]) : deadline.signal;
  let result: SearchResult;
  try {
    const { policy, promptTokens: renderedTokens } = await backend.createPolicy(input.messages, signal);
    promptTokens = renderedTokens;
    const needsVerifier = plan.method === 'best_of_n' || plan.method === 'beam_search' || plan.method === 'dvts';
    recorder = recordUpstreams(policy, needsVerifier ? backend.createVerifier() : null);
    result = await METHODS[plan.method](searchOptions(input), {
      policy: recorder.policy,
      verifier: recorder.verifier,
      question: input.question,
      random: createSeededRandom(input.seed),
      signal,
      ...(input.onEvent ? { onEvent: input.onEvent } : {}),
    });
  } catch (error) {
    const isDeadline = isAbortError(error) && deadline.signal.aborted && !(input.signal?.aborted ?? false);
    if (!isDeadline) throw error;
    result = partialResult(recorder, input.timeoutMs);
  } finally {
    clearTimeout(timer);
  }

  const complete = result.candidates.filter(isCompleteCandidate);
  const warnings = [...result.warnings];
  let degraded: string | null = warnings.find((w) => w.code === 'verifier-unavailable' || w.code === 'policy-failed' || w.code === 'aborted')?.message ?? null;
  const selection = selectAnswer(complete, { aggregation: plan.aggregation, vote: plan.vote, topN: input.choices });
  if (selection.fellBackToMajority && plan.vote !== 'majority') {
    degraded ??= 'some candidates have no PRM scores; voted by majority';
  }
  let chosen: Candidate[] = selection.top.map((entry) => complete[entry.candidateIndex]).filter((c): c is Candidate => c !== undefined);
  if (chosen.length === 0) {
    // No complete candidate with a valid answer: return the best text we have rather than fail.
    const fallback = complete[0] ?? result.candidates.find((c) => c.text.length > 0);
    if (!fallback) {
      throw new UpstreamError('the policy produced no usable sample', { upstream: backend.info.servedName, status: 502 });
    }
    chosen = [fallback];
    degraded ??= complete.length > 0 ? 'no candidate had an extractable answer' : 'no candidate finished; returning a partial solution';
  }
  const policyFlops = 2 * backend.info.paramsB * 1e9 * (result.usage.policyPromptTokens + result.usage.policyCompletionTokens);
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
      method: plan.method,
      requestedStrategy: plan.requested,
      n: plan.n,
      m: plan.m,
      aggregation: plan.aggregation,
      vote: selection.effectiveVote,
      reason: plan.reason,
      sources: plan.sources,
      voteTable: selection.table,
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
      candidateDetails: input.returnCandidates
        ? result.candidates.map((c) => {
            // selectAnswer saw only the complete candidates; map back by identity.
            const k = complete.indexOf(c);
            return { text: c.text, answer: k >= 0 ? (selection.answers[k] ?? null) : null, stepScores: c.stepScores, finish: c.finish, score: k >= 0 ? (selection.scores[k] ?? null) : null };
          })
        : null,
    },
  };
}
