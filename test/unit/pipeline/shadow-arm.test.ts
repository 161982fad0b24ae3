import {
  createShadowArm,
  solvePlan,
  type ModelBackend,
  type ShadowOutcome,
  type SolveInput,
  type TtsPlan,
} from '../../../src/pipeline';
import { createFakePolicy, toyScript, TOY_PROBLEM } from '../tts/fakes';
import { testModelInfo } from '../model-info-fixture';

const policy = createFakePolicy(toyScript({ ...TOY_PROBLEM, pCorrect: 0.95 }));
const backend: ModelBackend = {
  info: testModelInfo(),
  createPolicy: async () => ({ policy, promptTokens: 10 }),
  createVerifier: () => null,
};
const majority: TtsPlan = {
  method: 'majority',
  n: 8,
  m: 1,
  aggregation: 'last',
  vote: 'majority',
  requested: 'majority',
  reason: 't',
  sources: {},
  auto: null,
};
const input: SolveInput = {
  backend,
  plan: majority,
  messages: [{ role: 'user', content: 'q' }],
  question: 'q',
  choices: 1,
  maxTokens: null,
  seed: 5,
  returnCandidates: false,
  now: () => 0,
  timeoutMs: 10_000,
};

describe('createShadowArm', () => {
  it('runs the CoT baseline in the background and reports agreement and cost ratios', async () => {
    const outcomes: ShadowOutcome[] = [];
    const shadow = createShadowArm(
      { rate: 1, arm: 'cot', maxConcurrent: 2, random: () => 0 },
      (o) => outcomes.push(o),
      () => undefined,
    );
    const primary = await solvePlan(input);
    expect(shadow.maybeRun(input, primary)).toBe(true);
    await shadow.idle();
    expect(outcomes).toHaveLength(1);
    const outcome = outcomes[0] as ShadowOutcome;
    expect(outcome.baselineAnswer).toEqual(expect.any(String));
    expect(typeof outcome.agree).toBe('boolean');
    // Eight samples against one: TTS spends several times the baseline's tokens.
    expect(outcome.tokenRatio).toBeGreaterThan(3);
  });

  it('samples at the configured rate and never shadows a CoT request', async () => {
    const primary = await solvePlan(input);
    const never = createShadowArm(
      { rate: 0.05, arm: 'cot', maxConcurrent: 2, random: () => 0.5 },
      () => undefined,
      () => undefined,
    );
    expect(never.maybeRun(input, primary)).toBe(false);
    const always = createShadowArm(
      { rate: 1, arm: 'cot', maxConcurrent: 2, random: () => 0 },
      () => undefined,
      () => undefined,
    );
    expect(always.maybeRun({ ...input, plan: { ...majority, method: 'cot' } }, primary)).toBe(
      false,
    );
  });

  it('stays bounded: extra samples are skipped while maxConcurrent runs are busy', async () => {
    const primary = await solvePlan(input);
    const shadow = createShadowArm(
      { rate: 1, arm: 'cot', maxConcurrent: 1, random: () => 0 },
      () => undefined,
      () => undefined,
    );
    expect(shadow.maybeRun(input, primary)).toBe(true);
    expect(shadow.maybeRun(input, primary)).toBe(false);
    expect(shadow.stats()).toMatchObject({ started: 1, skippedBusy: 1 });
    await shadow.idle();
    expect(shadow.stats().running).toBe(0);
  });

  it('cancels its runs at stop and starts no more, so a shutdown never waits for one', async () => {
    const primary = await solvePlan(input);
    // A policy that answers only when cancelled (an upstream slower than any drain).
    const stuck: ModelBackend = {
      ...backend,
      createPolicy: async () => ({
        policy: {
          generate: (_prefixes, _params, signal) =>
            new Promise((_resolve, reject) =>
              signal?.addEventListener('abort', () => reject(new Error('cancelled'))),
            ),
        },
        promptTokens: 10,
      }),
    };
    const errors: unknown[] = [];
    const shadow = createShadowArm(
      { rate: 1, arm: 'cot', maxConcurrent: 2, random: () => 0 },
      () => undefined,
      (error) => errors.push(error),
    );
    expect(shadow.maybeRun({ ...input, backend: stuck }, primary)).toBe(true);
    shadow.stop();
    await shadow.idle();
    expect(shadow.stats()).toMatchObject({ running: 0, failed: 0 });
    expect(errors).toEqual([]);
    expect(shadow.maybeRun(input, primary)).toBe(false);
  });
});
