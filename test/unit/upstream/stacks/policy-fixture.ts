/**
 * Recorded / documented upstream answers in `test/fixtures/upstream/<stack>/*.json`, each with its
 * `source`: the call to make, the request fields the backend must send, the upstream's answer
 * (replayed verbatim by a fake server) and the `GenerateResult` it must map to.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { GenerateResult, Policy } from '../../../../src/tts';
import { FASTCHAT_PRM_FAMILIES } from '../../../../src/upstream/stacks';
import { createUpstreamClient, type UpstreamClient } from '../../../../src/upstream';
import { startFakeServer, type RecordedRequest } from './fakes/fake-http-server';

const FIXTURES = path.join(__dirname, '../../../fixtures/upstream');

const continuationSchema = z.strictObject({
  text: z.string(),
  finish: z.enum(['stop-sequence', 'eos', 'length']),
  completionTokens: z.number().int(),
});

const policyFixtureSchema = z.looseObject({
  source: z.string().min(1),
  renderedPrompt: z.string().optional(),
  call: z.strictObject({
    prefixes: z.array(z.string()),
    params: z.strictObject({
      temperature: z.number(),
      topP: z.number(),
      maxTokens: z.number().int(),
      stop: z.array(z.string()),
      n: z.number().int(),
      seed: z.number().int().optional(),
    }),
  }),
  request: z.record(z.string(), z.unknown()).optional(),
  response: z.unknown(),
  /** Response headers the server sends with `response` (TGI's `x-prompt-tokens`). */
  responseHeaders: z.record(z.string(), z.string()).optional(),
  expected: z.strictObject({
    outputs: z.array(z.array(continuationSchema)),
    promptTokens: z.number().int(),
    completionTokens: z.number().int(),
  }),
});
export type PolicyFixture = z.infer<typeof policyFixtureSchema>;

/** Any fixture file, parsed as unknown JSON (for the non-policy fixtures). */
export function readFixture(relativePath: string): unknown {
  return JSON.parse(readFileSync(path.join(FIXTURES, relativePath), 'utf8')) as unknown;
}

export function loadPolicyFixture(relativePath: string): PolicyFixture {
  return policyFixtureSchema.parse(readFixture(relativePath));
}

/** Replay the fixture's answer to every request and run its call through the backend. */
export async function replayPolicyFixture(
  fixture: PolicyFixture,
  createPolicy: (client: UpstreamClient) => Policy,
): Promise<{ result: GenerateResult; requests: RecordedRequest[] }> {
  const fake = await startFakeServer(() => ({
    body: fixture.response,
    ...(fixture.responseHeaders ? { headers: fixture.responseHeaders } : {}),
  }));
  const client = createUpstreamClient({
    name: 'fixture',
    baseUrl: fake.url,
    timeoutMs: 5000,
    maxConnections: 4,
    retries: 0,
  });
  try {
    const { seed, ...rest } = fixture.call.params;
    const result = await createPolicy(client).generate(
      fixture.call.prefixes,
      seed === undefined ? rest : { ...rest, seed },
    );
    return { result, requests: fake.requests };
  } finally {
    await client.close();
    await fake.close();
  }
}

const rewardFixtureSchema = z.looseObject({
  source: z.string().min(1),
  family: z.enum(FASTCHAT_PRM_FAMILIES),
  question: z.string(),
  paths: z.array(z.array(z.string())),
  input_str: z.array(z.unknown()),
  response: z.unknown(),
  expected: z.strictObject({ scores: z.array(z.array(z.number())) }),
});
/** A FastChat reward-worker exchange: the paths, the exact input_str, the answer and the scores. */
export type RewardFixture = z.infer<typeof rewardFixtureSchema>;

export function loadRewardFixture(file: string): RewardFixture {
  return rewardFixtureSchema.parse(readFixture(file));
}

/** `fastchat/worker-error-oom.json`: a worker's HTTP 200 error answer and what it must become. */
export function loadFastchatErrorFixture(): {
  response: unknown;
  expected: { status: number; isRetryable: boolean };
} {
  return z
    .looseObject({
      response: z.unknown(),
      expected: z.strictObject({ status: z.number().int(), isRetryable: z.boolean() }),
    })
    .parse(readFixture('fastchat/worker-error-oom.json'));
}

export const REWARD_FIXTURES = [
  'fastchat/reward-math-shepherd.json',
  'fastchat/reward-qwen2.5-math-prm.json',
  'fastchat/reward-rlhflow.json',
];
