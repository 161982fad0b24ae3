import type { GroupingSession } from '../answer';
/**
 * Shared types of the search methods (`cot`, `majority`, `best_of_n`, `beam_search`, `dvts`).
 * A method is a pure async function over a `Policy`, an optional `Verifier` and injected
 * randomness; it never imports HTTP, config or clocks.
 */
import type { Policy } from './policy';
import type { Verifier } from './verifier';

/** Every search method, in a stable order (the one listings and error messages use). */
export const METHOD_NAMES = ['cot', 'majority', 'best_of_n', 'beam_search', 'dvts'] as const;
export type MethodName = (typeof METHOD_NAMES)[number];

/** How a path's step scores become one number (paper: PRM-Min / Last / Avg; S&L: prod). */
export const AGGREGATIONS = ['min', 'last', 'avg', 'prod'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

/** Options every method receives; defaults from the paper sit beside each method. */
export interface SearchOptions {
  /** Budget N: total generations in the paper's sense (BoN samples; beam candidates per round). */
  n: number;
  /** Beam width M: children expanded per kept beam (beam search, DVTS). */
  m: number;
  temperature: number;
  topP: number;
  /** Cap per step for step-wise search (paper: 2048). */
  maxTokensPerStep: number;
  /** Cap for one whole solution (paper: 8192). */
  maxTotalTokens: number;
  /** Maximum number of steps for step-wise search (paper: 40). */
  maxDepth: number;
  /** Aggregation used to RANK partial paths during search (paper code: 'last'). */
  searchAggregation: Aggregation;
  /** Base seed forwarded to the policy; each round derives its own from `random`. */
  seed?: number;
}

/** Why a candidate path stopped. */
export type CandidateFinish =
  /** The last step contains `\boxed` (paper's `check_stop_by_answer`). */
  | 'answer'
  /** The model ended the message (EOS). */
  | 'eos'
  /** The whole-solution token cap was reached. */
  | 'length'
  /** The step limit was reached without an answer. */
  | 'depth'
  /** The search ended (budget, abort, failure) while this path was still open. */
  | 'unfinished';

export interface Candidate {
  /** Full assistant text of the path (steps joined as generated, separators included). */
  text: string;
  /** Steps without their trailing "\n\n" separator; what the PRM scores. */
  steps: string[];
  /** One PRM score per step, or null when the path was never scored. */
  stepScores: number[] | null;
  finish: CandidateFinish;
  /** Policy tokens generated along this path. */
  completionTokens: number;
}

/** Upstream work a method did; the pipeline turns it into usage and FLOPs. */
export interface SearchUsage {
  policyCalls: number;
  prmCalls: number;
  /** Rounds = sequential policy round trips on the critical path. */
  rounds: number;
  /** Continuations requested from the policy (the budget actually spent). */
  generations: number;
  policyPromptTokens: number;
  policyCompletionTokens: number;
  prmPromptTokens: number;
  prmCachedTokens: number;
}

export type SearchWarningCode =
  | 'verifier-unavailable'
  | 'policy-failed'
  | 'samples-dropped'
  | 'prm-input-truncated'
  | 'aborted'
  /** Answer grouping fell back to key equality (work budget spent, or its worker failed). */
  | 'equivalence-degraded'
  /** The serving stack does not accept a sampling field, so it ran with the server's value. */
  | 'sampling-not-pinned'
  /** The client set sampling fields (temperature, top_p, ...) the family's preset replaces. */
  | 'parameter-ignored'
  /** The client's `stop` cut the returned text (the search itself samples whole solutions). */
  | 'stop-applied'
  /** Fewer distinct answers than `n`: the later choices repeat answers with other solutions. */
  | 'choices-repeat-answers'
  /** Fewer finished candidates than `n`: the later choices repeat them. */
  | 'fewer-choices';

export interface SearchWarning {
  code: SearchWarningCode;
  message: string;
}

/** Progress events, for streaming progress and logs. Names are noun-verb. */
export type SearchEvent =
  | { type: 'round-start'; round: number; activePaths: number; requested: number }
  | {
      type: 'round-end';
      round: number;
      finishedPaths: number;
      activePaths: number;
      bestScore: number | null;
    }
  | { type: 'samples-generated'; count: number };

/** `votingAnswers` for one request, reading each sample once however often it votes. */
export type VotingAnswerReader = (candidates: readonly Candidate[]) => (string | null)[];

export interface SearchDeps {
  policy: Policy;
  /** null for methods that need no PRM (cot, majority) or when it is known to be down. */
  verifier: Verifier | null;
  question: string;
  /** Seeded uniform [0, 1) source: the only randomness a method may use. */
  random: () => number;
  signal?: AbortSignal;
  onEvent?: (event: SearchEvent) => void;
  /**
   * The request's answer grouping (possibly off-thread): methods that vote between batches place
   * their answers here first, so each answer is grouped once per request.
   */
  answers?: GroupingSession;
  /**
   * The request's answer reader (`createVotingAnswerReader`): methods that vote between batches
   * read answers through it, so each sample is read once per request, the final vote included.
   */
  readAnswers?: VotingAnswerReader;
  /**
   * A turn of the caller's event loop, awaited before each slice of long synchronous work (reading
   * many samples' answers) so one heavy request does not hold other clients up; none: no pauses.
   */
  pace?: () => Promise<void>;
}

export interface SearchResult {
  /** Complete candidates to vote on (never unfinished paths) plus, for inspection, open ones marked 'unfinished'/'depth'. */
  candidates: Candidate[];
  usage: SearchUsage;
  warnings: SearchWarning[];
}

export type SearchMethod = (options: SearchOptions, deps: SearchDeps) => Promise<SearchResult>;
