/**
 * Turns are per API key, at a busy upstream (src/upstream/transport/fair-gate.ts) and in the
 * proxy's admission queue (src/server/admission.ts): one key's many requests share one turn, so
 * another key's request is not held behind each of them, nor refused because one key filled the
 * queue. Driven with the official OpenAI SDK against the embedded simulator, whose policy calls
 * are each held a while.
 */
import OpenAI from 'openai';
import type { RunningServer } from '../../src/main';
import { startTestServer } from './start-test-server';

const MODEL = 'qwen2.5-1.5b-instruct';
const BATCH_REQUESTS = 10;

/** Two API keys: one sends many requests, the other a few. */
const TWO_KEYS = {
  TTS_PROXY__SERVER__API_KEYS:
    '[{name: batch, key_env: BATCH_KEY}, {name: interactive, key_env: INTERACTIVE_KEY}]',
  BATCH_KEY: 'sk-batch-1',
  INTERACTIVE_KEY: 'sk-interactive-2',
};

function clientFor(server: RunningServer, key: string): OpenAI {
  return new OpenAI({ baseURL: `${server.url}/v1`, apiKey: key, maxRetries: 0 });
}

/** A majority vote of 4: one `/tokenize` and one completions call, each taking a turn. */
function ask(client: OpenAI, question: string): Promise<unknown> {
  return client.chat.completions.create({
    model: MODEL,
    messages: [{ role: 'user', content: question }],
    // @ts-expect-error proxy extension
    tts_budget: { n: 4, strategy: 'majority' },
  });
}

describe('turns at a busy upstream are per API key', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({
      ...TWO_KEYS,
      TTS_PROXY__UPSTREAMS__POLICY__MAX_CONNECTIONS: '2',
      TTS_PROXY__UPSTREAMS__POLICY__SIM__LATENCY__PER_CALL_MS: '150',
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it("answers one key's request ahead of another key's queued searches", async () => {
    const batch = clientFor(server, 'sk-batch-1');
    const interactive = clientFor(server, 'sk-interactive-2');
    const finished: string[] = [];
    const batchRuns = Array.from({ length: BATCH_REQUESTS }, (_, i) =>
      ask(batch, `What is ${i} + 40?`).then(() => finished.push(`batch-${i}`)),
    );
    // Every batch request is in and queued at the two connections before the other key asks.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const interactiveRun = ask(interactive, 'What is 7 * 6?').then(() =>
      finished.push('interactive'),
    );
    await Promise.all([...batchRuns, interactiveRun]);
    // With a turn per request it waited for one call of each of the ten (it finished last or
    // next to last); with a turn per key it alternates with the batch key's calls.
    expect(finished.indexOf('interactive')).toBeLessThanOrEqual(3);
  });
});

describe('the admission queue takes turns per API key', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({
      ...TWO_KEYS,
      TTS_PROXY__SERVER__MAX_CONCURRENT_REQUESTS: '1',
      TTS_PROXY__SERVER__MAX_QUEUED_REQUESTS: '4',
      // Long enough that the running request holds its slot while the others arrive.
      TTS_PROXY__UPSTREAMS__POLICY__SIM__LATENCY__PER_CALL_MS: '400',
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it("queues another key's requests in the places of one key's newest, up to an even share, and alternates the keys", async () => {
    const batch = clientFor(server, 'sk-batch-1');
    const interactive = clientFor(server, 'sk-interactive-2');
    const finished: string[] = [];
    const settle = (run: Promise<unknown>, name: string): Promise<void> =>
      run.then(
        () => {
          finished.push(name);
        },
        (error: unknown) => {
          expect(error).toBeInstanceOf(OpenAI.RateLimitError);
          finished.push(`${name} refused`);
        },
      );
    // One runs, four fill the queue.
    const runs = Array.from({ length: 5 }, (_, i) =>
      settle(ask(batch, `What is ${i} + 40?`), 'batch'),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The /v1 passthrough waits in the same turns: three completions of the other key's, one
    // after another, into the full queue.
    for (let i = 0; i < 3; i++) {
      runs.push(
        settle(
          interactive.completions.create({
            model: MODEL,
            prompt: `What is ${i} + 2?`,
            max_tokens: 8,
          }),
          'interactive',
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    await Promise.all(runs);
    // The first two took the places of the batch key's two newest (429); the third found the
    // keys at two waiting each and was refused. Then the keys took turns.
    expect(finished.filter((entry) => entry.endsWith('refused')).sort()).toEqual([
      'batch refused',
      'batch refused',
      'interactive refused',
    ]);
    expect(finished.filter((entry) => !entry.endsWith('refused'))).toEqual([
      'batch',
      'batch',
      'interactive',
      'batch',
      'interactive',
    ]);
  });
});
