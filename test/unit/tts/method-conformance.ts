/**
 * The conformance suite every search method's test calls (STYLE 2.6): budget, determinism,
 * cancellation, the verifier's input, step scores, and the one-call-per-round pattern.
 * Call `describeMethodConformance(setup)` inside the method's `describe`.
 */
import { isAbortError } from '../../../src/util';
import { isCompleteCandidate } from '../../../src/tts/is-complete-candidate';
import type { SearchMethod, SearchOptions } from '../../../src/tts/search-types';
import { prepareRun, runMethod, type RunSetup, type ToyWorldOptions } from './fakes';

export interface ConformanceSetup {
  method: SearchMethod;
  /** The most complete candidates the method may return: N for sampling, N/M for tree search. */
  maxComplete: (options: SearchOptions) => number;
  /** Whether the method scores with the verifier (Best-of-N, beam search, DVTS). */
  usesVerifier: boolean;
  /** Whether rounds generate single steps, so `maxTokens` must stay within `maxTokensPerStep`. */
  isStepWise: boolean;
}

/** Budget shapes (N, M) exercised, including N < M, N not divisible by M, N = 1 and M = 1. */
const SHAPES: Partial<SearchOptions>[] = [
  { n: 16, m: 4 },
  { n: 8, m: 2 },
  { n: 4, m: 4 },
  { n: 6, m: 4 },
  { n: 3, m: 4 },
  { n: 1, m: 4 },
  { n: 5, m: 1 },
];

/** Worlds: plain, long steps hitting caps, tiny nonce range (duplicates), a deep problem. */
const WORLDS: {
  world: ToyWorldOptions;
  options: Partial<SearchOptions>;
  problem?: RunSetup['problem'];
}[] = [
  { world: {}, options: {} },
  { world: { tokensPerStep: 50 }, options: { maxTokensPerStep: 40, maxTotalTokens: 8192 } },
  { world: { tokensPerStep: 30 }, options: { maxTotalTokens: 100 } },
  { world: { nonceRange: 2 }, options: {} },
  {
    world: {},
    options: { maxDepth: 3 },
    problem: { id: 'deep', stepCount: 8, pCorrect: 0.6, answer: 7 },
  },
];

function scenarios(): RunSetup[] {
  return WORLDS.flatMap(({ world, options, problem }) =>
    SHAPES.map((shape) => ({
      world,
      options: { ...options, ...shape },
      ...(problem ? { problem } : {}),
    })),
  );
}

export function describeMethodConformance(setup: ConformanceSetup): void {
  const { method } = setup;

  it('stays within budget: at most N continuations per round and the method’s number of complete candidates', async () => {
    for (const scenario of scenarios()) {
      const { result, policy, options } = await runMethod(method, scenario);
      for (const call of policy.calls) {
        expect(call.prefixes.length * call.params.n).toBeLessThanOrEqual(options.n);
        expect(call.params.maxTokens).toBeGreaterThanOrEqual(1);
        expect(call.params.maxTokens).toBeLessThanOrEqual(options.maxTotalTokens);
        if (setup.isStepWise && call.params.stop.length > 0) {
          expect(call.params.maxTokens).toBeLessThanOrEqual(options.maxTokensPerStep);
        }
      }
      const complete = result.candidates.filter(isCompleteCandidate);
      expect(complete.length).toBeLessThanOrEqual(setup.maxComplete(options));
      for (const candidate of result.candidates) {
        expect(candidate.completionTokens).toBeLessThanOrEqual(options.maxTotalTokens);
      }
    }
  });

  it('is deterministic under a seed', async () => {
    for (const extra of [{ randomSeed: 5 }, { options: { seed: 1234 } }]) {
      const first = await runMethod(method, {
        ...extra,
        options: { n: 8, m: 2, ...extra.options },
      });
      const second = await runMethod(method, {
        ...extra,
        options: { n: 8, m: 2, ...extra.options },
      });
      expect(second.result).toEqual(first.result);
      expect(second.policy.calls).toEqual(first.policy.calls);
      expect(second.verifier.calls).toEqual(first.verifier.calls);
      expect(second.events).toEqual(first.events);
    }
    // A fixed seed: each call's seed is the request's plus the number of samples asked before
    // it, so no two samples of a run share a seed (vLLM gives sample j of a call seed + j).
    const fixed = await runMethod(method, { options: { n: 8, m: 2, seed: 1234 } });
    let before = 0;
    for (const call of fixed.policy.calls) {
      expect(call.params.seed).toBe(1234 + before);
      before += call.prefixes.length * call.params.n;
    }
  });

  it('rejects an already-aborted signal without calling anything', async () => {
    const controller = new AbortController();
    controller.abort();
    const run = prepareRun({ signal: controller.signal });
    const error: unknown = await method(run.options, run.deps).catch((caught: unknown) => caught);
    expect(isAbortError(error)).toBe(true);
    expect(run.policy.calls).toHaveLength(0);
    expect(run.verifier.calls).toHaveLength(0);
  });

  it('rejects with an abort error and makes no further call when the signal fires mid-search', async () => {
    const baseline = await runMethod(method, { options: { n: 8, m: 2 } });
    const points = [
      ...baseline.policy.calls.map((_, i) => ({ target: 'policy' as const, callIndex: i })),
      ...baseline.verifier.calls.map((_, i) => ({ target: 'verifier' as const, callIndex: i })),
    ];
    for (const shouldIgnoreSignal of [false, true]) {
      for (const { target, callIndex } of points) {
        const controller = new AbortController();
        const hooks = {
          onCall: (index: number) => {
            if (index === callIndex) controller.abort();
          },
          shouldIgnoreSignal,
        };
        const run = prepareRun({
          options: { n: 8, m: 2 },
          signal: controller.signal,
          ...(target === 'policy' ? { policyHooks: hooks } : { verifierOptions: hooks }),
        });
        const error: unknown = await method(run.options, run.deps).catch(
          (caught: unknown) => caught,
        );
        expect(isAbortError(error)).toBe(true);
        // Nothing was called after the aborted call's round: a policy round's calls go out at
        // once, so its siblings were already made; the journal ends with that round.
        const calls = run.journal.filter((entry) => entry === target).length;
        const batch = baseline.policy.calls[callIndex]?.batch;
        const roundEnd =
          target === 'policy'
            ? baseline.policy.calls.reduce(
                (last, call, index) => (call.batch === batch ? index : last),
                callIndex,
              )
            : callIndex;
        expect(calls).toBe(roundEnd + 1);
        expect(run.journal[run.journal.length - 1]).toBe(target);
      }
    }
  });

  it('never sends the verifier an empty batch or an empty path', async () => {
    for (const scenario of scenarios()) {
      const { verifier } = await runMethod(method, scenario);
      for (const call of verifier.calls) {
        expect(call.paths.length).toBeGreaterThan(0);
        for (const path of call.paths) expect(path.length).toBeGreaterThan(0);
      }
      if (!setup.usesVerifier) expect(verifier.calls).toHaveLength(0);
    }
  });

  it('returns step scores for every scored candidate', async () => {
    for (const scenario of scenarios()) {
      const { result } = await runMethod(method, scenario);
      for (const candidate of result.candidates) {
        if (candidate.stepScores === null) {
          // Unscored only when no verifier is involved or the candidate was never completed.
          if (setup.usesVerifier) expect(isCompleteCandidate(candidate)).toBe(false);
          continue;
        }
        expect(setup.usesVerifier).toBe(true);
        expect(candidate.stepScores).toHaveLength(candidate.steps.length);
        for (const score of candidate.stepScores) {
          expect(score).toBeGreaterThanOrEqual(0);
          expect(score).toBeLessThanOrEqual(1);
        }
      }
    }
  });

  it('makes one policy call per prefix and at most one verifier call per round, and reports usage exactly', async () => {
    for (const scenario of scenarios()) {
      const { result, policy, verifier, journal, events } = await runMethod(method, scenario);
      const { usage } = result;
      const rounds = policy.rounds;
      expect(usage.rounds).toBe(rounds.length);
      expect(usage.policyCalls).toBe(policy.calls.length);
      for (const call of policy.calls) expect(call.prefixes).toHaveLength(1);
      for (const round of rounds) expect(round.calls).toBe(round.prefixes.length);
      expect(usage.prmCalls).toBe(verifier.calls.length);
      expect(usage.generations).toBe(
        policy.calls.reduce((sum, call) => sum + call.prefixes.length * call.params.n, 0),
      );
      expect(journal[0]).toBe('policy');
      journal.forEach((entry, i) => {
        if (entry === 'verifier') expect(journal[i - 1]).toBe('policy');
      });
      const starts = events.filter((event) => event.type === 'round-start');
      expect(starts).toHaveLength(usage.rounds);
      starts.forEach((event, i) => {
        const call = rounds[i];
        expect(event).toEqual({
          type: 'round-start',
          round: i + 1,
          activePaths: call?.prefixes.length,
          requested: (call?.prefixes.length ?? 0) * (call?.params.n ?? 0),
        });
      });
      const sum = (values: number[]): number => values.reduce((total, value) => total + value, 0);
      expect(usage.policyPromptTokens).toBe(
        sum(policy.calls.map((call) => call.tokens?.prompt ?? 0)),
      );
      expect(usage.policyCompletionTokens).toBe(
        sum(policy.calls.map((call) => call.tokens?.completion ?? 0)),
      );
      expect(usage.policyCompletionTokens).toBeGreaterThan(0);
      expect(usage.prmPromptTokens).toBe(sum(verifier.calls.map((call) => call.promptTokens ?? 0)));
      expect(usage.prmCachedTokens).toBe(0);
    }
  });
}
