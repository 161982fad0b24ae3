/**
 * `tts_strategy: auto` end to end inside the pipeline: the plan defers to the probe, solvePlan
 * runs autoSearch with the model's table and stopping rule, and the metadata says what ran.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  resolveTtsPlan,
  solvePlan,
  type AutoSettings,
  type ModelBackend,
  type ModelInfo,
  type TtsDefaults,
} from '../../../src/pipeline';
import { parseStrategyTable } from '../../../src/select';
import type { Policy } from '../../../src/tts';
import {
  createFakePolicy,
  createFakeVerifier,
  toyScorer,
  toyScript,
  type ToyProblem,
} from '../tts/fakes';
import { TEST_PRM, testModelInfo } from '../model-info-fixture';

const TABLE = parseStrategyTable(
  readFileSync(path.resolve(__dirname, '../../../config/strategy.yaml'), 'utf8'),
);
const AUTO: AutoSettings = {
  table: TABLE,
  earlyStop: { kind: 'beta', confidence: 0.95, minSamples: 4 },
  batchGrowth: 2,
  defaultM: 4,
};
const INFO: ModelInfo = testModelInfo({ prm: TEST_PRM, auto: AUTO });
const DEFAULTS: TtsDefaults = {
  defaultStrategy: 'auto',
  defaultBudget: 16,
  maxBudget: 256,
  defaultM: 4,
  defaultTimeoutMs: 60_000,
  maxTimeoutMs: 60_000,
};

function setup(problem: ToyProblem, info: ModelInfo = INFO) {
  const policy = createFakePolicy(toyScript(problem));
  const verifier = createFakeVerifier(toyScorer);
  const backend: ModelBackend = {
    info,
    createPolicy: async () => ({ policy, promptTokens: 30 }),
    createVerifier: () => verifier,
  };
  return { policy, verifier, backend };
}

function solve(
  backend: ModelBackend,
  body: Parameters<typeof resolveTtsPlan>[0]['body'],
  scope: { looksSingleAnswer: boolean; scopeReason?: string } = { looksSingleAnswer: true },
) {
  const plan = resolveTtsPlan({ header: null, body, alias: null }, backend.info, DEFAULTS);
  if (!plan) throw new Error('expected a plan');
  return solvePlan({
    backend,
    plan,
    ...scope,
    messages: [{ role: 'user', content: 'q' }],
    question: 'q',
    choices: 1,
    maxTokens: null,
    seed: 3,
    returnCandidates: false,
    now: () => 0,
    timeoutMs: 60_000,
  });
}

describe('resolveTtsPlan with a strategy table', () => {
  it('defers auto to the probe, keeping what the request pinned as overrides', () => {
    const plan = resolveTtsPlan(
      { header: null, body: { n: 16, vote: 'prm_max' }, alias: null },
      INFO,
      DEFAULTS,
    );
    // Nothing is guessed before the probe: the method is 'auto' until autoSearch decides.
    expect(plan).toMatchObject({ method: 'auto', auto: { overrides: { vote: 'prm_max' } } });
    expect(plan?.sources).toMatchObject({
      strategy: 'auto',
      n: 'body',
      vote: 'body',
      aggregation: 'auto',
    });
    expect(plan?.reason).toMatch(/paper-default/);
  });

  it('keeps explicit strategies and the CoT baseline outside auto', () => {
    expect(
      resolveTtsPlan(
        { header: null, body: { n: 16, strategy: 'dvts' }, alias: null },
        INFO,
        DEFAULTS,
      )?.auto,
    ).toBeNull();
    expect(
      resolveTtsPlan({ header: null, body: { n: 1 }, alias: null }, INFO, DEFAULTS),
    ).toMatchObject({ method: 'cot', auto: null });
  });
});

describe('solvePlan with auto', () => {
  it('on an easy problem: BoN that reuses the probe and stops early, reported in the metadata', async () => {
    const { policy, verifier, backend } = setup({
      id: 'easy',
      stepCount: 3,
      pCorrect: 0.97,
      answer: 7,
    });
    const result = await solve(backend, { n: 64 });
    const auto = result.metadata.auto;
    expect(auto?.probeSamples).toBe(4);
    expect(auto?.difficulty?.bin).toBe('easy');
    expect(result.metadata.method).toBe('best_of_n');
    expect(result.metadata.requestedStrategy).toBe('auto');
    expect(result.metadata.reason).toMatch(/^auto: /);
    expect(auto?.earlyStop?.stopped).toBe(true);
    expect(auto?.earlyStop?.samplesSaved).toBeGreaterThan(0);
    // Budget spent = samples drawn, each generated and scored exactly once.
    const generated = policy.calls.reduce(
      (sum, call) => sum + call.prefixes.length * call.params.n,
      0,
    );
    expect(generated).toBe(auto?.budgetSpent);
    expect(result.metadata.candidates).toBe(auto?.budgetSpent);
    const scored = verifier.calls.reduce((sum, call) => sum + call.paths.length, 0);
    expect(scored).toBe(auto?.budgetSpent);
    expect(result.metadata.selectedAnswer).toBe('7');
  });

  it("on a hard problem: beam search on what the probe left, voting over the search's own paths", async () => {
    const { backend } = setup({ id: 'hard', stepCount: 5, pCorrect: 0.3, answer: 11 });
    const result = await solve(backend, { n: 16 });
    const auto = result.metadata.auto;
    expect(auto?.difficulty?.bin).not.toBe('easy');
    expect(result.metadata.method).toBe('beam_search');
    expect(result.metadata.m).toBe(4);
    expect(auto?.accounting).toMatch(/4 probe sample\(s\) \+ beam_search at N=12/);
    // The 12/4 = 3 beams' paths are the voters; the probe's 4 samples are not among them.
    expect(result.metadata.candidates).toBe(3);
    expect(auto?.earlyStop).toBeNull();
    expect(auto?.budgetSpent).toBe(16);
  });

  it('without a PRM: majority over the probe and the rest', async () => {
    const { backend } = setup(
      { id: 'noprm', stepCount: 3, pCorrect: 0.6, answer: 5 },
      { ...INFO, prm: null },
    );
    const result = await solve(backend, { n: 16 });
    expect(result.metadata.method).toBe('majority');
    expect(result.metadata.vote).toBe('majority');
    expect(result.metadata.prmCalls).toBe(0);
  });

  it('on an open-ended request: Best-of-N by reward over the whole budget, no table row', async () => {
    const { policy, backend } = setup({ id: 'open', stepCount: 3, pCorrect: 0.6, answer: 5 });
    const result = await solve(
      backend,
      { n: 8 },
      { looksSingleAnswer: false, scopeReason: "opens with 'write'" },
    );
    expect(result.metadata).toMatchObject({
      method: 'best_of_n',
      requestedStrategy: 'auto',
      m: 1,
      auto: null,
    });
    expect(result.metadata.reason).toBe(
      "auto: open-ended request (the last user turn opens with 'write'): Best-of-N by reward instead of auto",
    );
    expect(policy.calls.map((call) => call.params.n)).toEqual([8]);
  });

  it('keeps what auto decided when the deadline cuts the run after the probe', async () => {
    const inner = createFakePolicy(
      toyScript({ id: 'easy', stepCount: 3, pCorrect: 0.97, answer: 7 }),
    );
    let calls = 0;
    // The probe answers; every later call hangs until the deadline aborts it.
    const policy: Policy = {
      generate(prefixes, params, signal) {
        calls += 1;
        if (calls === 1) return inner.generate(prefixes, params, signal);
        return new Promise((_, reject) => {
          signal?.addEventListener('abort', () => {
            const error = new Error('aborted');
            error.name = 'AbortError';
            reject(error);
          });
        });
      },
    };
    const verifier = createFakeVerifier(toyScorer);
    // No early stopping, so the run needs a second call.
    const info: ModelInfo = { ...INFO, auto: { ...AUTO, earlyStop: { kind: 'none' } } };
    const backend: ModelBackend = {
      info,
      createPolicy: async () => ({ policy, promptTokens: 30 }),
      createVerifier: () => verifier,
    };
    const plan = resolveTtsPlan({ header: null, body: { n: 64 }, alias: null }, info, DEFAULTS);
    if (!plan) throw new Error('expected a plan');
    const result = await solvePlan({
      backend,
      plan,
      messages: [{ role: 'user', content: 'q' }],
      question: 'q',
      choices: 1,
      maxTokens: null,
      seed: 3,
      returnCandidates: false,
      now: () => 0,
      timeoutMs: 50,
    });
    expect(calls).toBe(2);
    expect(result.metadata.auto?.difficulty?.bin).toBe('easy');
    expect(result.metadata.method).toBe('best_of_n');
    expect(result.metadata.reason).toMatch(/^auto: /);
    expect(result.metadata.degraded).toMatch(/deadline/);
    expect(result.metadata.selectedAnswer).toBe('7');
  });
});
