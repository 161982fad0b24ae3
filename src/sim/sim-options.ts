import type { RewardKnobs, SimPrmFamily } from './reward/reward-profile';
import type { PolicyFamily } from './world/policy-strength';

/** A simulated policy LLM (one per simulator process, like one model per vLLM server). */
export interface SimPolicyModel {
  /** Served model id; it is prefixed with `sim/` unless it already contains "sim". */
  servedName: string;
  /** Size in billions of parameters; sets accuracy (see `expectedStepCorrectProbability`). */
  paramsB: number;
  /** Chat template, tokenizer table and step wording. */
  family: PolicyFamily;
  /** Context window in tokens; defaults per family (Qwen2.5 32768, Llama-3 131072, R1-distill 131072). */
  maxModelLen?: number;
}

/** The PRM families the simulator reads (its own list, kept apart from src/prm on purpose). */
export type PrmFamily = SimPrmFamily;

/** A simulated reward model. */
export interface SimPrmModel {
  servedName: string;
  paramsB: number;
  /** Input format and output shape (see the README section of `index.ts`). */
  family: PrmFamily;
  /**
   * 0..1; 1 = perfect step judge, 0.5 = weak, 0 = uninformative. Overrides the family's base
   * quality (see `reward/reward-profile.ts`); left out, the family default applies.
   */
  quality?: number;
  /**
   * The policy whose steps this PRM judges (the simulator cannot tell writers apart from its own
   * synthetic text, so the pair is configuration). Quality, over-criticism and subtle-error
   * neglect depend on it; null = judged as the PRM's own training policy.
   */
  judgedPolicy?: { family: PolicyFamily; paramsB: number } | null;
  /** Overrides of the family's reward knobs (docs/simulated-world.md); `quality` wins over `baseQuality`. */
  reward?: Partial<RewardKnobs>;
  /** Context window in tokens; defaults to 4096 (Qwen2.5-Math-PRM) except rlhflow (8192). */
  maxModelLen?: number;
}

/**
 * Simulated service time, all 0 by default so tests run fast. The fixed and prefill parts are
 * counted from the request's arrival, so the simulator's own CPU for a call (parsing, tokenizing,
 * writing the choices) is inside them, as a real server's is; a call takes longer only when that
 * CPU does not fit (docs/simulated-world.md#latency-and-serving).
 */
export interface SimLatency {
  /** Fixed cost of every model call (`/v1/completions`, `/v1/chat/completions`, `/pooling`). */
  perCallMs: number;
  /** Cost per prompt token (prefill). */
  prefillMsPerToken: number;
  /** Cost per generated token of the longest sequence in the call (sequences decode in parallel). */
  decodeMsPerToken: number;
  /** Sequences decoded together; more concurrent sequences stretch decode time proportionally. */
  maxBatch?: number;
}

/** Seeded fault injection for reliability tests; rates are probabilities per model call, 0 by default. */
export interface SimFaults {
  /** Answer 500, 502 or 503 with a vLLM error body. */
  errorRate: number;
  /** Never answer: hold the socket until the client gives up (capped at 60 s). */
  timeoutRate: number;
  /** Add `slowMs` before answering. */
  slowRate: number;
  slowMs: number;
  /** Answer 200 with a truncated, invalid JSON body (or a broken SSE stream). */
  malformedRate: number;
}

export interface SimulatorOptions {
  role: 'policy' | 'prm';
  model: SimPolicyModel | SimPrmModel;
  /** Seeds the world's PRM noise, the server-side sampling seeds and fault draws. */
  seed: number;
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  latency?: Partial<SimLatency>;
  faults?: Partial<SimFaults>;
  /** When set, `/v1/*` requires `Authorization: Bearer <apiKey>` (vLLM `--api-key`). */
  apiKey?: string;
  /** Receives human-readable log lines (startup banner, faults). */
  log?: (line: string) => void;
  /**
   * Opt-in answer diversity (world/answer-forms.ts): final `\boxed{}` integers are written as
   * equivalent-preserving symbolic forms (fractions, radicals, intervals, tuples); 'all-distinct'
   * gives every sample its own value (a voting stress test). Off by default.
   */
  answerForms?: boolean | 'all-distinct';
  /**
   * The vLLM release whose request fields the simulator honours (reported by `/version` with
   * "+sim"). Default `0.10.2`; `0.10.1` predates `return_token_ids` (vllm-project/vllm#22587, first
   * released in 0.10.2), which it then ignores like any unknown field.
   */
  vllmVersion?: SimVllmVersion;
  /**
   * Longest stretch (ms) the simulator spends writing one request's choices (or scoring one
   * `/pooling` request's inputs) before it serves other requests, as a continuously batching
   * server never makes a 1-choice request wait for a 64-choice one's CPU work. Default 1;
   * Infinity does each request in one go. The answers are the same either way
   * (docs/simulated-world.md#latency-and-serving).
   */
  generationSliceMs?: number;
}

export type SimVllmVersion = '0.10.1' | '0.10.2';

export interface SimStats {
  /** Requests per route, keyed like "POST /v1/completions" ("other" for unknown routes). */
  requestsByRoute: Record<string, number>;
  /** Requests currently being handled. */
  inFlight: number;
  /** Requests whose client disconnected before the response was complete. */
  aborted: number;
  completionTokens: number;
  promptTokens: number;
  /**
   * The sampling the last generation request ran with, after the model's generation_config
   * filled what the request omitted (what vLLM would run); null before any.
   */
  lastSampling: {
    temperature: number;
    topP: number;
    topK: number;
    minP: number;
    repetitionPenalty: number;
    presencePenalty: number;
    frequencyPenalty: number;
  } | null;
  /**
   * The last RECENT_ARRIVALS_KEPT requests in order of arrival: route key and arrival on the
   * system's monotonic clock (ms, `process.hrtime`), which every process on the machine shares, so
   * a caller can put two simulators' calls in one order (the bench reads a search's rounds so).
   */
  recentArrivals: { route: string; monotonicMs: number }[];
}

/** How many arrivals `SimStats.recentArrivals` keeps (older ones drop off). */
export const RECENT_ARRIVALS_KEPT = 1024;

export interface RunningSimulator {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:40123 (the OpenAI base URL is url + '/v1'). */
  url: string;
  port: number;
  /** The served model id (always contains "sim"). */
  modelId: string;
  close(): Promise<void>;
  stats(): SimStats;
  resetStats(): void;
}

export const DEFAULT_LATENCY: SimLatency = {
  perCallMs: 0,
  prefillMsPerToken: 0,
  decodeMsPerToken: 0,
};
export const DEFAULT_FAULTS: SimFaults = {
  errorRate: 0,
  timeoutRate: 0,
  slowRate: 0,
  slowMs: 0,
  malformedRate: 0,
};

/** The served id: names without "sim" get a `sim/` prefix so nobody mistakes the simulator for a model. */
export function simulatedModelId(servedName: string): string {
  return /sim/i.test(servedName) ? servedName : `sim/${servedName}`;
}

const PRM_FAMILIES: ReadonlySet<string> = new Set<PrmFamily>([
  'qwen2.5-math-prm',
  'math-shepherd',
  'rlhflow',
  'skywork-o1',
  'outcome',
]);

export function isPrmModel(model: SimPolicyModel | SimPrmModel): model is SimPrmModel {
  return PRM_FAMILIES.has(model.family);
}
