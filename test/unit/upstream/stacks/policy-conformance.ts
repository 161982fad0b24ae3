/**
 * The conformance suite every `Policy` backend's test calls (STYLE 2.6), against that stack's fake
 * HTTP server: exactly n continuations per prefix in order, the matched stop string kept in the
 * text, finish mapping, token accounting, abort, upstream errors and malformed bodies.
 * Call `describePolicyConformance(setup)` inside the backend's `describe`.
 */
import { InvalidUpstreamResponseError, TtsError, UpstreamError } from '../../../../src/errors';
import type { Policy, SamplingParams } from '../../../../src/tts';
import { createUpstreamClient, type UpstreamClient } from '../../../../src/upstream';
import type { FakeServer } from './fakes/fake-http-server';
import { toyContinue, toyTokens, type ToyOutput } from './fakes/toy-generator';

export interface PolicyConformanceSetup {
  /** Start a fresh fake of the stack (one per suite). */
  startFake(): Promise<FakeServer>;
  /** The backend's policy over `client` (which points at the fake, with no retries). */
  createPolicy(client: UpstreamClient): Policy;
  /** The text the fake's toy model continues for `prefix` (rendered prompt + prefix, or the conversation). */
  promptOf(prefix: string): string;
  /** The fake's sample number for sample `j` of a call made with `seed`. */
  sampleOf(j: number, seed: number): number;
  /** Whether the backend continues partial answers and stops on "\n\n" (false: whole solutions only). */
  isStepWise: boolean;
  /** Whether each continuation's token count is the upstream's own (false: apportioned from a call total). */
  hasExactContinuationTokens: boolean;
  /** A documented error answer of the stack and a fragment of its message. */
  errorReply: { status: number; body: unknown; messageFragment: string };
}

const SEED = 100;

/**
 * An abort error by name: undici rejects with the signal's DOMException, which under Jest's node
 * environment comes from another realm and is not `instanceof Error` (it is in plain Node).
 */
export function isAbortLike(error: unknown): boolean {
  const name =
    typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  return name === 'AbortError' || name === 'RequestAbortedError';
}
const STEP_1 = 'Step 1: part 1 of sample 0.\n\n';
const STEP_2 = 'Step 2: part 2 of sample 0.\n\n';

export function describePolicyConformance(setup: PolicyConformanceSetup): void {
  let fake: FakeServer;
  let client: UpstreamClient;
  let policy: Policy;
  const stops = setup.isStepWise ? ['\n\n'] : [];

  beforeAll(async () => {
    fake = await setup.startFake();
    client = createUpstreamClient({
      name: 'policy',
      baseUrl: fake.url,
      timeoutMs: 5000,
      maxConnections: 8,
      retries: 0,
    });
    policy = setup.createPolicy(client);
  });
  afterAll(async () => {
    await client.close();
    await fake.close();
  });

  const params = (overrides: Partial<SamplingParams> = {}): SamplingParams => ({
    temperature: 0.7,
    topP: 1,
    maxTokens: 1000,
    stop: stops,
    n: 3,
    seed: SEED,
    ...overrides,
  });
  const expected = (prefix: string, j: number, maxTokens = 1000): ToyOutput =>
    toyContinue(setup.promptOf(prefix), setup.sampleOf(j, SEED), maxTokens, stops);
  const prefixesForRound = setup.isStepWise ? ['', STEP_1] : [''];

  it('returns exactly n continuations per prefix, in prefix order then sample order', async () => {
    const result = await policy.generate(prefixesForRound, params());
    expect(result.outputs).toHaveLength(prefixesForRound.length);
    prefixesForRound.forEach((prefix, i) => {
      expect(result.outputs[i]?.map((continuation) => continuation.text)).toEqual(
        [0, 1, 2].map((j) => expected(prefix, j).text),
      );
    });
  });

  if (setup.isStepWise) {
    it('keeps the matched stop string at the end of the text, so prefix + text is the next prefix', async () => {
      const result = await policy.generate([STEP_1], params({ n: 2 }));
      for (const continuation of result.outputs[0] ?? []) {
        expect(continuation.finish).toBe('stop-sequence');
        expect(continuation.text.endsWith('\n\n')).toBe(true);
        expect(continuation.text.endsWith('\n\n\n\n')).toBe(false);
        expect((STEP_1 + continuation.text).match(/Step \d+:/g)).toHaveLength(2);
      }
    });
  }

  it('reports the end of the message as eos', async () => {
    const prefix = setup.isStepWise ? STEP_1 + STEP_2 : '';
    const result = await policy.generate([prefix], params({ n: 2 }));
    expect(result.outputs[0]?.map((continuation) => continuation.finish)).toEqual(['eos', 'eos']);
    expect(result.outputs[0]?.[0]?.text).toBe(expected(prefix, 0).text);
    expect(result.outputs[0]?.[0]?.text).toContain('\\boxed{');
  });

  it('reports the token cap as length, with the truncated text', async () => {
    const result = await policy.generate([''], params({ n: 1, maxTokens: 3 }));
    expect(result.outputs[0]?.[0]).toEqual({
      text: expected('', 0, 3).text,
      finish: 'length',
      completionTokens: 3,
    });
  });

  it('counts completion tokens per continuation and prompt tokens once per prefix', async () => {
    const result = await policy.generate(prefixesForRound, params());
    const wanted = prefixesForRound.map((prefix) => [0, 1, 2].map((j) => expected(prefix, j)));
    const total = wanted.flat().reduce((sum, output) => sum + output.completionTokens, 0);
    expect(result.completionTokens).toBe(total);
    expect(
      result.outputs.flat().reduce((sum, continuation) => sum + continuation.completionTokens, 0),
    ).toBe(total);
    if (setup.hasExactContinuationTokens) {
      expect(
        result.outputs.map((row) => row.map((continuation) => continuation.completionTokens)),
      ).toEqual(wanted.map((row) => row.map((output) => output.completionTokens)));
    }
    expect(result.promptTokens).toBe(
      prefixesForRound.reduce((sum, prefix) => sum + toyTokens(setup.promptOf(prefix)), 0),
    );
  });

  it('answers an empty batch without calling the upstream', async () => {
    const before = fake.requests.length;
    await expect(policy.generate([], params())).resolves.toEqual({
      outputs: [],
      promptTokens: 0,
      completionTokens: 0,
    });
    expect(fake.requests.length).toBe(before);
  });

  it('rejects with an abort error and cancels the upstream request when the signal fires', async () => {
    fake.override({ kind: 'hang' });
    const before = fake.requests.length;
    const cancelledBefore = fake.cancelled;
    const controller = new AbortController();
    const pending = policy.generate([''], params({ n: 1 }), controller.signal);
    await fake.waitForRequests(before + 1);
    controller.abort();
    const error: unknown = await pending.then(
      () => null,
      (reason: unknown) => reason,
    );
    expect(isAbortLike(error)).toBe(true);
    await fake.waitForCancelled(cancelledBefore + 1);
  });

  it('rejects at once with an abort error when the signal already fired', async () => {
    const controller = new AbortController();
    controller.abort();
    const error: unknown = await policy.generate([''], params({ n: 1 }), controller.signal).then(
      () => null,
      (reason: unknown) => reason,
    );
    expect(isAbortLike(error)).toBe(true);
  });

  it('turns the stack’s error body into an UpstreamError carrying the HTTP status', async () => {
    fake.override({
      kind: 'reply',
      reply: { status: setup.errorReply.status, body: setup.errorReply.body },
    });
    const error: unknown = await policy.generate([''], params({ n: 1 })).then(
      () => null,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).status).toBe(setup.errorReply.status);
    expect((error as UpstreamError).message).toContain(setup.errorReply.messageFragment);
  });

  it('rejects a 200 whose JSON has the wrong shape with InvalidUpstreamResponseError', async () => {
    fake.override({ kind: 'reply', reply: { body: { unexpected: true } } });
    await expect(policy.generate([''], params({ n: 1 }))).rejects.toBeInstanceOf(
      InvalidUpstreamResponseError,
    );
  });

  it('rejects a 200 whose body is not JSON with a typed upstream error', async () => {
    fake.override({ kind: 'reply', reply: { raw: '{"text": [' } });
    const error: unknown = await policy.generate([''], params({ n: 1 })).then(
      () => null,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(TtsError);
    expect(error instanceof UpstreamError || error instanceof InvalidUpstreamResponseError).toBe(
      true,
    );
  });
}
