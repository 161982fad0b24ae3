/**
 * In-process test doubles of the two contracts: a scripted, recording policy and verifier, and a
 * deterministic toy world in which a step's text says whether it is correct, so a "good" fake
 * verifier can see it. No network, no timers.
 */
import { createSeededRandom, hashString } from '../../../src/util';
import type { Continuation, GenerateResult, Policy, SamplingParams } from '../../../src/tts/policy';
import type { ScoreResult, Verifier } from '../../../src/tts/verifier';
import type {
  SearchDeps,
  SearchEvent,
  SearchMethod,
  SearchOptions,
  SearchResult,
} from '../../../src/tts/search-types';
import { splitSteps } from '../../../src/tts/steps';

/** A shared, ordered log of which fake was called, to check the per-round call pattern. */
export type CallJournal = ('policy' | 'verifier')[];

export function abortError(): Error {
  const error = new Error('the operation was aborted');
  error.name = 'AbortError';
  return error;
}

export interface GenerateCall {
  prefixes: string[];
  params: SamplingParams;
  /** Calls started while another was in flight share a batch: one search round's calls. */
  batch: number;
  /** Token counts returned, once the call succeeded. */
  tokens?: { prompt: number; completion: number };
}

export interface ContinuationRequest {
  prefix: string;
  prefixIndex: number;
  sampleIndex: number;
  params: SamplingParams;
  /** 0-based index of the policy call. */
  callIndex: number;
}

export type ContinuationScript = (request: ContinuationRequest) => Continuation;

export interface FakeHooks {
  /** Runs at the start of call `callIndex` (0-based), before the abort check: tests abort here. */
  onCall?: (callIndex: number) => void;
  /** Return an error to make call `callIndex` fail with it. */
  failOn?: (callIndex: number) => Error | undefined;
  /** Resolve normally even when the signal fired (a backend that does not listen). */
  shouldIgnoreSignal?: boolean;
  journal?: CallJournal;
}

/** One search round as the policy saw it: its calls (one per prefix) taken together. */
export interface RoundCall {
  prefixes: string[];
  /** The first call's parameters (`n`, temperature, stop are the same for all of a round). */
  params: SamplingParams;
  /** Each prefix's `maxTokens` and seed. */
  maxTokens: number[];
  seeds: (number | undefined)[];
  /** How many calls the round made. */
  calls: number;
}

export interface FakePolicy extends Policy {
  readonly calls: GenerateCall[];
  /** The calls grouped by round (calls made at once). */
  readonly rounds: RoundCall[];
}

export function createFakePolicy(script: ContinuationScript, hooks: FakeHooks = {}): FakePolicy {
  const calls: GenerateCall[] = [];
  let inFlight = 0;
  let batch = -1;
  return {
    calls,
    get rounds(): RoundCall[] {
      const rounds: RoundCall[] = [];
      calls.forEach((call, index) => {
        const last = rounds[rounds.length - 1];
        if (index > 0 && last !== undefined && calls[index - 1]?.batch === call.batch) {
          last.prefixes.push(...call.prefixes);
          last.maxTokens.push(...call.prefixes.map(() => call.params.maxTokens));
          last.seeds.push(...call.prefixes.map(() => call.params.seed));
          last.calls += 1;
        } else {
          rounds.push({
            prefixes: [...call.prefixes],
            params: call.params,
            maxTokens: call.prefixes.map(() => call.params.maxTokens),
            seeds: call.prefixes.map(() => call.params.seed),
            calls: 1,
          });
        }
      });
      return rounds;
    },
    async generate(prefixes, params, signal): Promise<GenerateResult> {
      const callIndex = calls.length;
      if (inFlight === 0) batch += 1;
      inFlight += 1;
      const call: GenerateCall = {
        prefixes: [...prefixes],
        params: { ...params, stop: [...params.stop] },
        batch,
      };
      calls.push(call);
      try {
        return await answer(call, callIndex, prefixes, params, signal);
      } finally {
        inFlight -= 1;
      }
    },
  };

  async function answer(
    call: GenerateCall,
    callIndex: number,
    prefixes: readonly string[],
    params: SamplingParams,
    signal: AbortSignal | undefined,
  ): Promise<GenerateResult> {
    hooks.journal?.push('policy');
    hooks.onCall?.(callIndex);
    await Promise.resolve();
    if (signal?.aborted && hooks.shouldIgnoreSignal !== true) throw abortError();
    const failure = hooks.failOn?.(callIndex);
    if (failure !== undefined) throw failure;
    const outputs = prefixes.map((prefix, prefixIndex) =>
      Array.from({ length: params.n }, (_, sampleIndex) =>
        script({ prefix, prefixIndex, sampleIndex, params, callIndex }),
      ),
    );
    const completionTokens = outputs
      .flat()
      .reduce((sum, output) => sum + output.completionTokens, 0);
    const promptTokens = prefixes.reduce((sum, prefix) => sum + 10 + prefix.length, 0);
    call.tokens = { prompt: promptTokens, completion: completionTokens };
    return { outputs, promptTokens, completionTokens };
  }
}

export interface ScoreCall {
  question: string;
  paths: string[][];
  /** PRM prompt tokens returned, once the call succeeded. */
  promptTokens?: number;
}

/** Score of step `stepIndex` of a path, in [0, 1]. */
export type StepScorer = (steps: readonly string[], stepIndex: number) => number;

export interface FakeVerifierOptions extends FakeHooks {
  /** Rewrite the scores before returning them (to inject malformed results). */
  tamper?: (scores: number[][]) => number[][];
  /** Report these path indices as truncated. */
  truncatedPaths?: number[];
}

export interface FakeVerifier extends Verifier {
  readonly calls: ScoreCall[];
}

export function createFakeVerifier(
  scorer: StepScorer,
  options: FakeVerifierOptions = {},
): FakeVerifier {
  const calls: ScoreCall[] = [];
  return {
    calls,
    async score(question, paths, signal): Promise<ScoreResult> {
      const callIndex = calls.length;
      const call: ScoreCall = { question, paths: paths.map((path) => [...path]) };
      calls.push(call);
      options.journal?.push('verifier');
      options.onCall?.(callIndex);
      await Promise.resolve();
      if (signal?.aborted && options.shouldIgnoreSignal !== true) throw abortError();
      const failure = options.failOn?.(callIndex);
      if (failure !== undefined) throw failure;
      const scores = paths.map((path) => path.map((_, j) => scorer(path, j)));
      call.promptTokens = paths.reduce((sum, path) => sum + path.join('').length, 0);
      return {
        scores: options.tamper ? options.tamper(scores) : scores,
        promptTokens: call.promptTokens,
        cachedTokens: 0,
        truncatedPaths: options.truncatedPaths ?? [],
        calls: 1,
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Toy world: a problem is solved in `stepCount` steps; each sampled step is correct ("ok") with
// probability `pCorrect`, and the final step boxes the right answer only if every step was ok.
// Greedy decoding (T=0) is one fixed draw per problem, so CoT is right on about p^L of problems.

export interface ToyProblem {
  id: string;
  stepCount: number;
  pCorrect: number;
  answer: number;
}

export interface ToyWorldOptions {
  /** Tokens each step costs (default 20). */
  tokensPerStep?: number;
  /** Distinct nonces per step; small values make duplicate siblings likely (default 10000). */
  nonceRange?: number;
}

const TOY_BAD = ': bad';

/** A toy policy script for one problem, honouring `n`, `stop`, `maxTokens`, temperature 0 and seeds. */
export function toyScript(problem: ToyProblem, options: ToyWorldOptions = {}): ContinuationScript {
  const tokensPerStep = options.tokensPerStep ?? 20;
  const nonceRange = options.nonceRange ?? 10000;
  const stepAfter = (prefix: string, random: () => number): { text: string; isFinal: boolean } => {
    const steps = splitSteps(prefix);
    const k = steps.length + 1;
    const isOk = random() < problem.pCorrect;
    const nonce = Math.floor(random() * nonceRange);
    let text = `Step ${k}${isOk ? ': ok' : TOY_BAD} (${nonce})`;
    const isFinal = k >= problem.stepCount;
    if (isFinal) {
      const isRight = isOk && !steps.some((step) => step.includes(TOY_BAD));
      const answer = isRight ? problem.answer : problem.answer + 1 + Math.floor(random() * 3);
      text += ` so the answer is \\boxed{${answer}}`;
    }
    return { text, isFinal };
  };
  return ({ prefix, prefixIndex, sampleIndex, params }) => {
    const randomFor = (text: string): (() => number) =>
      params.temperature === 0
        ? createSeededRandom(hashString(`greedy|${problem.id}|${text}`))
        : createSeededRandom(
            hashString(`${params.seed ?? 0}|${prefixIndex}|${sampleIndex}|${problem.id}|${text}`),
          );
    const isStepWise = params.stop.includes('\n\n');
    let text = '';
    let tokens = 0;
    const sampleRandom = randomFor(prefix);
    for (;;) {
      const random = params.temperature === 0 ? randomFor(prefix + text) : sampleRandom;
      const step = stepAfter(prefix + text, random);
      if (tokens + tokensPerStep > params.maxTokens) {
        const kept = Math.max(0, params.maxTokens - tokens);
        return {
          text: text + step.text.slice(0, kept),
          finish: 'length',
          completionTokens: params.maxTokens,
        };
      }
      tokens += tokensPerStep;
      if (step.isFinal) return { text: text + step.text, finish: 'eos', completionTokens: tokens };
      text += `${step.text}\n\n`;
      if (isStepWise) return { text, finish: 'stop-sequence', completionTokens: tokens };
    }
  };
}

/** A verifier that sees the truth: high scores while every step so far is ok, low after a bad one. */
export const toyScorer: StepScorer = (steps, stepIndex) => {
  const isSound = steps.slice(0, stepIndex + 1).every((step) => !step.includes(TOY_BAD));
  const noise = (hashString(steps[stepIndex] ?? '') % 100) / 1000;
  return isSound ? 0.85 + noise : 0.15 + noise;
};

/** A verifier that knows nothing: scores are noise. */
export const noiseScorer: StepScorer = (steps, stepIndex) =>
  (hashString(steps[stepIndex] ?? '') % 1000) / 1000;

/** The last `\boxed{n}` of a toy solution. */
export function toyAnswer(text: string): number | null {
  const matches = [...text.matchAll(/\\boxed\{(-?\d+)\}/g)];
  const last = matches[matches.length - 1];
  return last?.[1] === undefined ? null : Number(last[1]);
}

/** `count` deterministic toy problems of mixed difficulty. */
export function createToyProblems(count: number, seed: number): ToyProblem[] {
  const random = createSeededRandom(seed);
  return Array.from({ length: count }, (_, i) => ({
    id: `toy-${seed}-${i}`,
    stepCount: 3 + Math.floor(random() * 4),
    pCorrect: 0.55 + random() * 0.4,
    answer: Math.floor(random() * 1000),
  }));
}

export const TOY_PROBLEM: ToyProblem = { id: 'toy', stepCount: 4, pCorrect: 0.7, answer: 42 };

/** Shorthand for a continuation in scripted tests. */
export function continuation(
  text: string,
  finish: Continuation['finish'],
  completionTokens = 10,
): Continuation {
  return { text, finish, completionTokens };
}

// ---------------------------------------------------------------------------------------------
// Running a method against the fakes.

/** The paper's settings with a small default budget, for tests. */
export function testOptions(overrides: Partial<SearchOptions> = {}): SearchOptions {
  return {
    n: 16,
    m: 4,
    temperature: 0.7,
    topP: 1,
    maxTokensPerStep: 2048,
    maxTotalTokens: 8192,
    maxDepth: 40,
    searchAggregation: 'last',
    ...overrides,
  };
}

export interface RunSetup {
  options?: Partial<SearchOptions>;
  script?: ContinuationScript;
  problem?: ToyProblem;
  world?: ToyWorldOptions;
  scorer?: StepScorer;
  /** Pass no verifier at all. */
  hasNoVerifier?: boolean;
  policyHooks?: FakeHooks;
  verifierOptions?: FakeVerifierOptions;
  /** Seed of `deps.random` (default 1). */
  randomSeed?: number;
  signal?: AbortSignal;
}

export interface RunRecord {
  policy: FakePolicy;
  verifier: FakeVerifier;
  events: SearchEvent[];
  journal: CallJournal;
  options: SearchOptions;
  deps: SearchDeps;
}

/** Build fakes and deps for one run (the toy world unless a script is given). */
export function prepareRun(setup: RunSetup = {}): RunRecord {
  const journal: CallJournal = [];
  const policy = createFakePolicy(
    setup.script ?? toyScript(setup.problem ?? TOY_PROBLEM, setup.world),
    {
      ...setup.policyHooks,
      journal,
    },
  );
  const verifier = createFakeVerifier(setup.scorer ?? toyScorer, {
    ...setup.verifierOptions,
    journal,
  });
  const events: SearchEvent[] = [];
  const deps: SearchDeps = {
    policy,
    verifier: setup.hasNoVerifier === true ? null : verifier,
    question: 'toy question',
    random: createSeededRandom(setup.randomSeed ?? 1),
    onEvent: (event) => events.push(event),
    ...(setup.signal ? { signal: setup.signal } : {}),
  };
  return { policy, verifier, events, journal, options: testOptions(setup.options), deps };
}

/** Run `method` once against fresh fakes. */
export async function runMethod(
  method: SearchMethod,
  setup: RunSetup = {},
): Promise<RunRecord & { result: SearchResult }> {
  const record = prepareRun(setup);
  const result = await method(record.options, record.deps);
  return { ...record, result };
}

/** A script from a table: prefix → its continuations by sample index (cycling). */
export function tableScript(table: Record<string, readonly Continuation[]>): ContinuationScript {
  return ({ prefix, sampleIndex }) => {
    const options = table[prefix];
    const picked = options?.[sampleIndex % options.length];
    if (picked === undefined)
      throw new Error(`tableScript: no continuation for prefix ${JSON.stringify(prefix)}`);
    return picked;
  };
}

/** A scorer from a table: the last step's text → its score (0.5 when absent); earlier steps 0.5. */
export function tableScorer(table: Record<string, number>): StepScorer {
  return (steps, stepIndex) => table[steps[stepIndex] ?? ''] ?? 0.5;
}
