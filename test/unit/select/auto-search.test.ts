import {
  autoSearch,
  type AutoSearchOptions,
  type EarlyStopRule,
  type PrmFamilyName,
} from '../../../src/select';
import { createSeededRandom } from '../../../src/util';
import type { SearchDeps } from '../../../src/tts';
import {
  continuation,
  createFakePolicy,
  createFakeVerifier,
  testOptions,
  toyScorer,
  toyScript,
  type ToyProblem,
} from '../tts/fakes';
import { loadDefaultTable } from './strategy-table-fixture';

const table = loadDefaultTable();
const EASY: ToyProblem = { id: 'easy', stepCount: 3, pCorrect: 0.999, answer: 42 };
const HARD: ToyProblem = { id: 'hard', stepCount: 5, pCorrect: 0.3, answer: 7 };

interface Setup {
  problem: ToyProblem;
  paramsB?: number;
  prmFamily?: PrmFamilyName | null;
  budget?: number;
  earlyStop?: EarlyStopRule;
  hasVerifier?: boolean;
}

function setup(s: Setup) {
  const policy = createFakePolicy(toyScript(s.problem));
  const verifier = createFakeVerifier(toyScorer);
  const deps: SearchDeps = {
    policy,
    verifier: s.hasVerifier === false ? null : verifier,
    question: 'q',
    random: createSeededRandom(1),
  };
  const options: AutoSearchOptions = {
    table,
    context: {
      policyParamsB: s.paramsB ?? 1.5,
      policyFamily: 'qwen2.5',
      prmFamily: s.prmFamily === undefined ? 'qwen2.5-math-prm' : s.prmFamily,
      budget: s.budget ?? 16,
    },
    modelName: 'toy',
    search: testOptions({ seed: 100 }),
    defaultM: 4,
    prmDefaults: { aggregation: 'min', vote: 'prm_max' },
    earlyStop: s.earlyStop ?? { kind: 'none' },
  };
  return { policy, verifier, deps, options };
}

/** Continuations the policy was asked for, over all calls. */
function generated(policy: ReturnType<typeof createFakePolicy>): number {
  return policy.calls.reduce((sum, call) => sum + call.prefixes.length * call.params.n, 0);
}

describe('autoSearch', () => {
  it('easy probe → BoN: the probe is the first batch, only N - k more are drawn, all vote', async () => {
    const { policy, verifier, deps, options } = setup({ problem: EASY });
    const result = await autoSearch(options, deps);
    expect(result.decision.difficulty?.bin).toBe('easy');
    expect(result.decision.method).toBe('best_of_n');
    expect(policy.calls.map((call) => call.params.n)).toEqual([4, 12]);
    expect(generated(policy)).toBe(16);
    expect(result.candidates).toHaveLength(16);
    expect(new Set(result.candidates.map((c) => c.text)).size).toBe(16);
    // Each sample scored exactly once: probe in the first call, the rest in the second.
    expect(verifier.calls.map((call) => call.paths.length)).toEqual([4, 12]);
    expect(result.candidates.every((c) => c.stepScores !== null)).toBe(true);
    expect(result.usage.generations).toBe(16);
    expect(result.decision.budgetSpent).toBe(16);
    expect(result.decision.vote).toBe('prm_vote');
    expect(result.decision.aggregation).toBe('last');
    expect(result.decision.reason).toMatch(/probe: easy/);
  });

  it('gives every call its own seed, so no sample is drawn twice', async () => {
    const { policy, deps, options } = setup({
      problem: EASY,
      earlyStop: { kind: 'decided' },
      budget: 64,
    });
    await autoSearch(options, deps);
    const seeds = policy.calls.map((call) => call.params.seed);
    expect(new Set(seeds).size).toBe(seeds.length);
  });

  // Regression: phases were seeded seed+0, seed+1, ... while upstreams seed sample i as seed+i
  // (vLLM parallel sampling, the simulator), so most batches re-drew copies of earlier samples.
  it('keeps every root sample seed distinct under seed+i per-sample seeding (BoN batches and beam after the probe)', async () => {
    for (const problem of [EASY, HARD]) {
      const { policy, deps, options } = setup({
        problem,
        earlyStop: { kind: 'decided' },
        budget: 64,
      });
      const result = await autoSearch(options, deps);
      const rootSeeds = policy.calls
        .filter((call) => call.prefixes.every((prefix) => prefix === ''))
        .flatMap((call) =>
          Array.from(
            { length: call.params.n * call.prefixes.length },
            (_, i) => (call.params.seed ?? 0) + i,
          ),
        );
      expect(rootSeeds.length).toBeGreaterThan(4);
      expect(new Set(rootSeeds).size).toBe(rootSeeds.length);
      expect(result.decision.method).toBe(problem === EASY ? 'best_of_n' : 'beam_search');
    }
  });

  it('answers from the probe when the policy fails after it, labelled policy-failed', async () => {
    const policy = createFakePolicy(toyScript(HARD), {
      failOn: (i) => (i === 1 ? new Error('upstream 500') : undefined),
    });
    const { deps, options } = setup({ problem: HARD });
    const result = await autoSearch(options, { ...deps, policy });
    expect(result.candidates).toHaveLength(4);
    expect(result.warnings.map((w) => w.code)).toContain('policy-failed');
    const bon = setup({ problem: EASY, earlyStop: { kind: 'none' }, budget: 16 });
    const failingBon = createFakePolicy(toyScript(EASY), {
      failOn: (i) => (i === 1 ? new Error('upstream 500') : undefined),
    });
    const sampled = await autoSearch(bon.options, { ...bon.deps, policy: failingBon });
    expect(sampled.decision.method).toBe('best_of_n');
    expect(sampled.candidates).toHaveLength(4);
    expect(sampled.decision.earlyStop?.samplesSaved).toBe(0);
    expect(sampled.warnings.map((w) => w.code)).toContain('policy-failed');
  });

  it('still fails when the probe itself fails (nothing to answer from)', async () => {
    const policy = createFakePolicy(toyScript(HARD), { failOn: () => new Error('upstream 500') });
    const { deps, options } = setup({ problem: HARD });
    await expect(autoSearch(options, { ...deps, policy })).rejects.toThrow('upstream 500');
  });

  it('reports its decision before the method runs', async () => {
    const { deps, options } = setup({ problem: HARD });
    const seen: string[] = [];
    const policy = createFakePolicy(toyScript(HARD), {
      onCall: (i) => i === 1 && seen.push('search started'),
    });
    await autoSearch(
      { ...options, onDecision: (d) => seen.push(`decided ${d.method}`) },
      { ...deps, policy },
    );
    expect(seen).toEqual(['decided beam_search', 'search started']);
  });

  it('stops early when the Beta posterior is confident, and reports what it saved', async () => {
    const { policy, deps, options } = setup({
      problem: EASY,
      earlyStop: { kind: 'beta', confidence: 0.95, minSamples: 4 },
      budget: 64,
    });
    const result = await autoSearch(options, deps);
    expect(policy.calls).toHaveLength(1);
    expect(result.candidates).toHaveLength(4);
    expect(result.decision.earlyStop).toMatchObject({
      shouldStop: true,
      rule: 'beta',
      samplesDrawn: 4,
      samplesSaved: 60,
    });
    expect(result.decision.budgetSpent).toBe(4);
    expect(result.decision.reason).toMatch(/stopped early after 4/);
  });

  it("hard probe → beam search on N - k; the search's own paths vote, the probe is neither regenerated nor rescored", async () => {
    const { policy, verifier, deps, options } = setup({ problem: HARD });
    const result = await autoSearch(options, deps);
    expect(result.decision.difficulty?.bin).toBe('hard');
    expect(result.decision.method).toBe('beam_search');
    expect(result.decision.reuse).toMatchObject({
      methodBudget: 12,
      m: 4,
      probeInVote: 0,
      plannedBudget: 16,
      unspent: 0,
    });
    const probeCall = policy.calls[0];
    expect(probeCall?.params.n).toBe(4);
    expect(probeCall?.params.stop).toEqual([]);
    // After the probe only step-wise search calls: no whole solution is sampled again.
    expect(policy.calls.slice(1).every((call) => call.params.stop.includes('\n\n'))).toBe(true);
    // Beam search asks for N' = 12 continuations per round.
    expect(policy.calls.slice(1).every((call) => call.prefixes.length * call.params.n <= 12)).toBe(
      true,
    );
    // The PRM's first call scored the probe; no later call scores a probe path again, and no
    // probe sample is among the voters: the 12/4 = 3 beams' paths are.
    const probePaths = new Set((verifier.calls[0]?.paths ?? []).map((path) => path.join('\u0001')));
    expect(probePaths.size).toBe(4);
    const rescored = verifier.calls
      .slice(1)
      .flatMap((call) => call.paths)
      .filter((path) => probePaths.has(path.join('\u0001')));
    expect(rescored).toHaveLength(0);
    expect(result.candidates).toHaveLength(3);
    expect(result.candidates.some((c) => probePaths.has(c.steps.join('\u0001')))).toBe(false);
    expect(result.decision.budgetSpent).toBe(16);
    expect(result.decision.earlyStop).toBeNull();
  });

  it('the probe samples vote, said in a warning, when every search path ends without an answer', async () => {
    const { verifier, options } = setup({ problem: HARD });
    const probeScript = toyScript(HARD);
    const policy = createFakePolicy((request) =>
      request.callIndex === 0 ? probeScript(request) : continuation('I cannot tell.', 'eos', 3),
    );
    const result = await autoSearch(options, {
      policy,
      verifier,
      question: 'q',
      random: createSeededRandom(1),
    });
    expect(result.decision.method).toBe('beam_search');
    const probePaths = new Set((verifier.calls[0]?.paths ?? []).map((path) => path.join('\u0001')));
    expect(result.candidates.filter((c) => probePaths.has(c.steps.join('\u0001')))).toHaveLength(4);
    expect(result.warnings.map((warning) => warning.message)).toContainEqual(
      expect.stringMatching(/beam_search returned no answer, so the probe's 4 samples vote/),
    );
  });

  it('the probe samples vote when the search returns no answer', async () => {
    const { policy, verifier, options } = setup({ problem: HARD });
    const failing = createFakePolicy(toyScript(HARD), {
      failOn: (callIndex) => (callIndex >= 1 ? new Error('upstream down') : undefined),
    });
    const result = await autoSearch(options, {
      policy: failing,
      verifier,
      question: 'q',
      random: createSeededRandom(1),
    });
    expect(policy.calls).toHaveLength(0);
    expect(result.decision.method).toBe('beam_search');
    expect(result.candidates).toHaveLength(4);
    const probePaths = new Set((verifier.calls[0]?.paths ?? []).map((path) => path.join('\u0001')));
    expect(result.candidates.every((c) => probePaths.has(c.steps.join('\u0001')))).toBe(true);
    expect(result.warnings.map((warning) => warning.code)).toContain('policy-failed');
  });

  it('skips the probe when difficulty does not matter (72B: BoN everywhere) and still stops early', async () => {
    const { policy, deps, options } = setup({
      problem: EASY,
      paramsB: 72,
      earlyStop: { kind: 'beta', confidence: 0.95, minSamples: 4 },
      budget: 32,
    });
    const result = await autoSearch(options, deps);
    expect(result.decision.difficulty).toBeNull();
    expect(result.decision.method).toBe('best_of_n');
    expect(result.decision.reason).toMatch(
      /no probe: the table chooses the same at every difficulty/,
    );
    expect(policy.calls[0]?.params.n).toBe(4);
    expect(result.decision.budgetSpent).toBe(4);
  });

  it('without a PRM: majority, no verifier calls', async () => {
    const { verifier, deps, options } = setup({
      problem: EASY,
      prmFamily: null,
      hasVerifier: false,
    });
    const result = await autoSearch(options, deps);
    expect(result.decision.method).toBe('majority');
    expect(result.decision.vote).toBe('majority');
    expect(verifier.calls).toHaveLength(0);
    expect(result.candidates).toHaveLength(16);
  });

  it('falls back to majority when the table wants a PRM but no verifier is available', async () => {
    const { deps, options } = setup({ problem: HARD, hasVerifier: false });
    const result = await autoSearch(options, deps);
    expect(result.decision.method).toBe('majority');
    expect(result.decision.reason).toMatch(/no verifier available/);
  });

  it('falls back to BoN when the backend cannot run the chosen search', async () => {
    const { policy, deps, options } = setup({ problem: HARD });
    const result = await autoSearch(
      { ...options, unavailableMethods: ['beam_search', 'dvts'] },
      deps,
    );
    expect(result.decision.difficulty?.bin).toBe('hard');
    expect(result.decision.method).toBe('best_of_n');
    expect(result.decision.reason).toMatch(
      /beam_search is unavailable on this backend, so best_of_n/,
    );
    expect(policy.calls.every((call) => call.params.stop.length === 0)).toBe(true);
    expect(result.candidates).toHaveLength(16);
  });

  it('small budget: no probe, the table default bin (medium → beam search at N = 4)', async () => {
    const { deps, options } = setup({ problem: HARD, budget: 4 });
    const result = await autoSearch(options, deps);
    expect(result.decision.probe.samples).toBe(0);
    expect(result.decision.lookup?.difficulty).toBe('medium');
    expect(result.decision.method).toBe('beam_search');
    expect(result.decision.reuse.methodBudget).toBe(4);
  });

  it('uses the PRM defaults when the row leaves aggregation and vote out', async () => {
    const custom = {
      ...table,
      rows: table.rows.map((row) => ({ ...row, aggregation: null, vote: null })),
    };
    const { deps, options } = setup({ problem: EASY });
    const result = await autoSearch({ ...options, table: custom }, deps);
    expect(result.decision).toMatchObject({ aggregation: 'min', vote: 'prm_max' });
  });

  it("lets the request's explicit m, aggregation and vote win over the row", async () => {
    const { deps, options } = setup({ problem: HARD });
    const result = await autoSearch(
      { ...options, overrides: { m: 2, aggregation: 'avg', vote: 'prm_max' } },
      deps,
    );
    expect(result.decision).toMatchObject({
      method: 'beam_search',
      m: 2,
      aggregation: 'avg',
      vote: 'prm_max',
    });
    expect(result.decision.reuse.methodBudget).toBe(12);
  });

  it('open-ended request: Best-of-N by reward over the whole budget in one call, no probe, no row', async () => {
    const { policy, verifier, deps, options } = setup({
      problem: HARD,
      earlyStop: { kind: 'beta', confidence: 0.95, minSamples: 4 },
    });
    const decided: string[] = [];
    const result = await autoSearch(
      {
        ...options,
        openEnded: "opens with 'write'",
        overrides: { aggregation: 'avg' },
        onDecision: (decision) => decided.push(decision.method),
      },
      deps,
    );
    expect(result.decision).toMatchObject({
      method: 'best_of_n',
      m: 1,
      vote: 'prm_max',
      aggregation: 'avg',
      lookup: null,
      difficulty: null,
      earlyStop: null,
      budgetSpent: 16,
    });
    expect(result.decision.probe.samples).toBe(0);
    expect(result.decision.reason).toBe(
      "open-ended request (the last user turn opens with 'write'): Best-of-N by reward instead of auto",
    );
    expect(decided).toEqual(['best_of_n']);
    expect(policy.calls.map((call) => call.params.n)).toEqual([16]);
    expect(policy.calls[0]?.params.seed).toBe(100);
    expect(verifier.calls.map((call) => call.paths.length)).toEqual([16]);
    expect(result.candidates).toHaveLength(16);
  });

  it('open-ended request without a verifier, or where BoN cannot run: majority sampling', async () => {
    for (const variant of [{ hasVerifier: false }, { unavailable: true }]) {
      const { policy, deps, options } = setup({
        problem: HARD,
        ...('hasVerifier' in variant ? { hasVerifier: false } : {}),
      });
      const result = await autoSearch(
        {
          ...options,
          openEnded: 'has no sign of a single checkable answer',
          ...('unavailable' in variant ? { unavailableMethods: ['best_of_n' as const] } : {}),
        },
        deps,
      );
      expect(result.decision).toMatchObject({ method: 'majority', vote: 'majority', m: 1 });
      expect(result.decision.reason).toContain('majority sampling (no PRM) instead of auto');
      expect(policy.calls.map((call) => call.params.n)).toEqual([16]);
    }
  });

  it('propagates an abort', async () => {
    const { deps, options } = setup({ problem: EASY });
    const controller = new AbortController();
    controller.abort();
    await expect(autoSearch(options, { ...deps, signal: controller.signal })).rejects.toThrow(
      /abort/i,
    );
  });
});
