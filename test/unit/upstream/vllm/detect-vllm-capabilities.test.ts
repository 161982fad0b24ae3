import { z } from 'zod';
import { createUpstreamClient } from '../../../../src/upstream';
import { detectVllmCapabilities, parseVllmVersion } from '../../../../src/upstream/vllm';
import { startFakeServer, type FakeReply } from '../stacks/fakes/fake-http-server';
import { readFixture } from '../stacks/policy-fixture';

const models = z
  .looseObject({ response: z.unknown() })
  .parse(readFixture('vllm/models.json')).response;
const probeErrors = z
  .looseObject({ nested400: z.unknown(), flat400: z.unknown(), notFound: z.unknown() })
  .parse(readFixture('vllm/pooling-probe-errors.json'));

/** A vLLM-shaped fake: /version, /v1/models, and a /pooling answer chosen per test. */
async function detect(version: FakeReply, pooling: FakeReply, probePooling = true) {
  const fake = await startFakeServer((request) => {
    if (request.path === '/version') return version;
    if (request.path === '/v1/models') return { body: models };
    if (request.path === '/pooling') return pooling;
    return { status: 404, body: probeErrors.notFound };
  });
  const client = createUpstreamClient({
    name: 'policy',
    baseUrl: fake.url,
    timeoutMs: 5000,
    maxConnections: 2,
    retries: 0,
  });
  try {
    return {
      capabilities: await detectVllmCapabilities(client, { probePooling }),
      paths: fake.requests.map((request) => request.path),
    };
  } finally {
    await client.close();
    await fake.close();
  }
}

describe('parseVllmVersion', () => {
  it.each([
    ['0.10.1.1', { major: 0, minor: 10, patch: 1 }],
    ['v0.8.5', { major: 0, minor: 8, patch: 5 }],
    ['0.11.0rc1', { major: 0, minor: 11, patch: 0 }],
    ['0.6.4.post1+cu124', { major: 0, minor: 6, patch: 4 }],
    ['0.11.1.dev42+gabcdef', { major: 0, minor: 11, patch: 1 }],
    ['1.0', { major: 1, minor: 0, patch: 0 }],
  ])('parses %s', (text, expected) => {
    expect(parseVllmVersion(text)).toEqual(expected);
  });

  it('returns null for a version it cannot read', () => {
    expect(parseVllmVersion('main')).toBeNull();
  });
});

describe('detectVllmCapabilities', () => {
  it.each([
    ['0.9.2', 'flat', 'task-reward', '--override-pooler-config', 'encode', 'no'],
    ['0.10.0', 'flat', 'runner-pooling', '--override-pooler-config', 'encode', 'no'],
    ['0.10.1.1', 'nested', 'runner-pooling', '--override-pooler-config', 'encode', 'no'],
    ['0.10.2', 'nested', 'runner-pooling', '--override-pooler-config', 'encode', 'yes'],
    ['0.11.2', 'nested', 'runner-pooling', '--pooler-config', 'token_classify', 'yes'],
    ['0.19.0', 'nested', 'runner-pooling', '--pooler-config', 'token_classify', 'yes'],
  ])(
    'adapts to vLLM %s',
    async (
      version,
      errorShape,
      poolingLaunch,
      poolerConfigFlag,
      tokenPoolingTask,
      returnTokenIds,
    ) => {
      const { capabilities } = await detect(
        { body: { version } },
        { status: 400, body: probeErrors.nested400 },
      );
      expect(capabilities).toMatchObject({
        version,
        errorShape,
        poolingLaunch,
        poolerConfigFlag,
        tokenPoolingTask,
        returnTokenIds,
        isSimulated: false,
        poolingRoute: 'present',
      });
      expect(capabilities.models).toEqual([
        { id: 'Qwen/Qwen2.5-Math-7B-Instruct', maxModelLen: 4096 },
      ]);
    },
  );

  it('says in one line what it found, for the startup log', async () => {
    const { capabilities } = await detect(
      { body: { version: '0.9.2' } },
      { status: 400, body: probeErrors.flat400 },
    );
    expect(capabilities.description).toBe(
      "vLLM 0.9.2, flat error bodies, PRM launch --task reward with --override-pooler-config, token pooling task 'encode', /pooling present; models: Qwen/Qwen2.5-Math-7B-Instruct (max_model_len 4096)",
    );
  });

  it('reports a missing /pooling route as absent', async () => {
    const { capabilities } = await detect(
      { body: { version: '0.11.2' } },
      { status: 404, body: probeErrors.notFound },
    );
    expect(capabilities.poolingRoute).toBe('absent');
  });

  it('does not touch /pooling unless asked', async () => {
    const { capabilities, paths } = await detect(
      { body: { version: '0.11.2' } },
      { status: 400, body: probeErrors.nested400 },
      false,
    );
    expect(capabilities.poolingRoute).toBe('unknown');
    expect(paths).toEqual(['/version', '/v1/models']);
  });

  it('falls back to "unknown" flags for a server without /version', async () => {
    const { capabilities } = await detect(
      { status: 404, body: probeErrors.notFound },
      { status: 404, body: probeErrors.notFound },
    );
    expect(capabilities).toMatchObject({
      version: null,
      parsedVersion: null,
      errorShape: 'unknown',
      poolingLaunch: 'unknown',
      poolingRoute: 'absent',
    });
    expect(capabilities.description).toContain('unknown version (no /version)');
  });

  it('recognises the simulator', async () => {
    const { capabilities } = await detect(
      { body: { version: '0.10.1-sim' } },
      { status: 400, body: probeErrors.nested400 },
      false,
    );
    expect(capabilities).toMatchObject({ isSimulated: true, errorShape: 'unknown' });
    expect(capabilities.description).toMatch(/^simulated vLLM-compatible server/);
  });
});
