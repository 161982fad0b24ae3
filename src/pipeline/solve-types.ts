/**
 * What solving a chat request takes and gives: the run's input (`SolveInput`), the answer(s) and
 * the metadata the server renders as the response's `tts` object.
 */
import type { GroupingService } from '../answer';
import type { SearchEvent, SearchWarning } from '../tts/search-types';
import type { ModelBackend, PolicyMessage } from '../contracts';
import type { TtsPlan } from './tts-plan';
import type { AbortSource } from '../util';

/**
 * Why an answer is degraded: a search warning that degrades it, a vote that fell back to
 * majority, no extractable answer (chosen by reward), or no finished candidate (a partial one).
 */
export const DEGRADED_REASONS = [
  'verifier-unavailable',
  'policy-failed',
  'aborted',
  'majority-fallback',
  'no-extractable-answer',
  'partial-solution',
] as const;
export type DegradedReason = (typeof DEGRADED_REASONS)[number];

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
  signal?: AbortSource;
  /** Whose turns its upstream calls share (`CreatePolicyOptions.turnOwner`); absent: its own. */
  turnOwner?: object;
  onEvent?: (event: SearchEvent) => void;
  /** Called once the prompt is rendered and fits the model, as the search begins. */
  onSearchStart?: () => void;
  /** Clock injected for latency (ms). */
  now: () => number;
  /** Wall-clock budget for the search; when reached, the best answer so far is returned, labelled. */
  timeoutMs: number;
  /** The client set `timeoutMs` (`tts_timeout_ms`); false or absent: the server's default. */
  isClientTimeout?: boolean;
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
  /** Generation calls to the policy server (the method's own: per round, one per open path). */
  policyCalls: number;
  /**
   * The policy server's other calls for this request: rendering the chat prompt, fetching its
   * text and counting tokens (/tokenize, /detokenize, llama.cpp /apply-template).
   */
  policyPromptCalls: number;
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
  /** Why the answer is degraded, from a closed set (a metric label); null when it is not. */
  degradedReason: DegradedReason | null;
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
