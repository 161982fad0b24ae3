import { InvalidUpstreamResponseError } from '../../../../src/errors';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createRecordingUpstream,
  createReplayUpstream,
  createUpstreamClient,
  type UpstreamClient,
} from '../../../../src/upstream';
import { createTgiPolicy } from '../../../../src/upstream/stacks';
import { bodyOf, type FakeServer } from './fakes/fake-http-server';
import { startTgiFake } from './fakes/tgi-fake';
import { toyTokens } from './fakes/toy-generator';
import { describePolicyConformance } from './policy-conformance';
import { loadPolicyFixture, replayPolicyFixture } from './policy-fixture';

const RENDERED = '<|im_start|>user\nWhat is 2 + 3 * 4?<|im_end|>\n<|im_start|>assistant\n';
const TGI_ERROR = {
  status: 422,
  body: {
    error:
      'Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096. Given: 4000 `inputs` tokens and 2048 `max_new_tokens`',
    error_type: 'validation',
  },
  messageFragment: 'Input validation error',
};

describe('createTgiPolicy', () => {
  describe.each([
    ['drops the matched stop from generated_text', false],
    ['keeps the matched stop in generated_text', true],
  ])('against a TGI that %s', (_label, includesStop) => {
    describePolicyConformance({
      startFake: () => startTgiFake({ includesStop }),
      createPolicy: (client) =>
        createTgiPolicy({ client, renderedPrompt: RENDERED, maxConcurrency: 4 }),
      promptOf: (prefix) => RENDERED + prefix,
      sampleOf: (j, seed) => seed + j,
      isStepWise: true,
      hasExactContinuationTokens: true,
      errorReply: TGI_ERROR,
    });
  });

  describe('requests', () => {
    let fake: FakeServer;
    let client: UpstreamClient;
    beforeEach(async () => {
      fake = await startTgiFake({ includesStop: false });
      client = createUpstreamClient({
        name: 'policy',
        baseUrl: fake.url,
        timeoutMs: 5000,
        maxConnections: 8,
        retries: 0,
      });
    });
    afterEach(async () => {
      await client.close();
      await fake.close();
    });

    it('samples greedily at temperature 0 (do_sample false, no temperature) and omits top_p = 1', async () => {
      const policy = createTgiPolicy({ client, renderedPrompt: RENDERED, maxConcurrency: 1 });
      await policy.generate([''], { temperature: 0, topP: 1, maxTokens: 100, stop: [], n: 1 });
      const parameters = bodyOf(fake.requests[0]!).parameters as Record<string, unknown>;
      expect(parameters).toEqual({
        max_new_tokens: 100,
        do_sample: false,
        details: true,
        return_full_text: false,
      });
    });

    it('counts prompt tokens from x-prompt-tokens once per prefix, with no prefill asked (a flash model leaves it empty), and sends top_p below 1', async () => {
      const policy = createTgiPolicy({ client, renderedPrompt: RENDERED, maxConcurrency: 2 });
      const prefixes = ['', 'Step 1: a.\n\n'];
      const result = await policy.generate(prefixes, {
        temperature: 0.8,
        topP: 0.95,
        maxTokens: 50,
        stop: ['\n\n'],
        n: 2,
        seed: 9,
      });
      const parameters = fake.requests.map(
        (request) => bodyOf(request).parameters as Record<string, unknown>,
      );
      expect(parameters).toHaveLength(4);
      expect(parameters.some((p) => 'decoder_input_details' in p)).toBe(false);
      expect(result.promptTokens).toBe(
        prefixes.reduce((sum, prefix) => sum + toyTokens(RENDERED + prefix), 0),
      );
      for (const p of parameters)
        expect(p).toMatchObject({ do_sample: true, temperature: 0.8, top_p: 0.95, stop: ['\n\n'] });
    });

    it('replays the recorded x-prompt-tokens: the recording keeps the headers asked for', async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'tgi-record-'));
      const file = path.join(dir, 'tgi.jsonl');
      const call = async (upstream: UpstreamClient) =>
        createTgiPolicy({ client: upstream, renderedPrompt: RENDERED, maxConcurrency: 1 }).generate(
          [''],
          { temperature: 0.7, topP: 1, maxTokens: 20, stop: ['\n\n'], n: 2, seed: 3 },
        );
      try {
        const recorder = createRecordingUpstream({ client, file });
        const live = await call(recorder);
        await recorder.close();
        const replayed = await call(createReplayUpstream({ name: 'policy', file, field: 'x' }));
        expect(live.promptTokens).toBe(toyTokens(RENDERED));
        expect(replayed).toEqual(live);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      client = createUpstreamClient({
        name: 'policy',
        baseUrl: fake.url,
        timeoutMs: 5000,
        maxConnections: 8,
        retries: 0,
      });
    });

    it('without headers (a client that cannot read them) counts a prefill the server sent anyway', async () => {
      fake.override({
        kind: 'reply',
        reply: {
          body: {
            generated_text: 'x',
            details: {
              finish_reason: 'length',
              generated_tokens: 1,
              prefill: [
                { id: 1, text: 'a' },
                { id: 2, text: 'b' },
              ],
            },
          },
        },
      });
      const bare: UpstreamClient = {
        ...client,
        postJson: (p, b, s) => client.postJson(p, b, s),
        postJsonWithHeaders: undefined,
      };
      const result = await createTgiPolicy({
        client: bare,
        renderedPrompt: RENDERED,
        maxConcurrency: 1,
      }).generate([''], { temperature: 0.7, topP: 1, maxTokens: 1, stop: [], n: 1 });
      expect(result.promptTokens).toBe(2);
    });

    it('finds which of several stop strings matched from the generated tokens', async () => {
      fake.override({
        kind: 'reply',
        reply: {
          body: {
            generated_text: 'Step 1: a.',
            details: {
              finish_reason: 'stop_sequence',
              generated_tokens: 4,
              tokens: [{ text: 'Step 1: a.' }, { text: '</step>' }],
            },
          },
        },
      });
      const result = await createTgiPolicy({
        client,
        renderedPrompt: RENDERED,
        maxConcurrency: 1,
      }).generate([''], {
        temperature: 0.7,
        topP: 1,
        maxTokens: 64,
        stop: ['\n\n', '</step>'],
        n: 1,
      });
      expect(result.outputs[0]?.[0]).toEqual({
        text: 'Step 1: a.</step>',
        finish: 'stop-sequence',
        completionTokens: 4,
      });
    });

    it('refuses a stop_sequence finish it cannot attribute', async () => {
      fake.override({
        kind: 'reply',
        reply: {
          body: {
            generated_text: 'Step 1: a.',
            details: { finish_reason: 'stop_sequence', generated_tokens: 4 },
          },
        },
      });
      await expect(
        createTgiPolicy({ client, renderedPrompt: RENDERED, maxConcurrency: 1 }).generate([''], {
          temperature: 0.7,
          topP: 1,
          maxTokens: 64,
          stop: ['\n\n', '</step>'],
          n: 1,
        }),
      ).rejects.toBeInstanceOf(InvalidUpstreamResponseError);
    });

    it('accepts the one-element list the compat route answers', async () => {
      fake.override({
        kind: 'reply',
        reply: {
          body: [
            { generated_text: 'x', details: { finish_reason: 'length', generated_tokens: 1 } },
          ],
        },
      });
      const result = await createTgiPolicy({
        client,
        renderedPrompt: RENDERED,
        maxConcurrency: 1,
      }).generate([''], { temperature: 0.7, topP: 1, maxTokens: 1, stop: [], n: 1 });
      expect(result.outputs).toEqual([[{ text: 'x', finish: 'length', completionTokens: 1 }]]);
    });
  });

  describe.each(['tgi/generate-stop-sequence.json', 'tgi/generate-eos.json'])(
    'fixture %s',
    (file) => {
      it('sends the documented request and maps the documented answer', async () => {
        const fixture = loadPolicyFixture(file);
        const { result, requests } = await replayPolicyFixture(fixture, (client) =>
          createTgiPolicy({
            client,
            renderedPrompt: fixture.renderedPrompt ?? '',
            maxConcurrency: 1,
          }),
        );
        expect(result).toEqual(fixture.expected);
        expect(bodyOf(requests[0]!)).toMatchObject(fixture.request ?? {});
      });
    },
  );
});
