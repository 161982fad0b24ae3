/**
 * Turns at a busy upstream are per API key (src/upstream/transport/fair-gate.ts): one key's many
 * searches share one turn, so another key's request is not held behind each of them. Driven with
 * the official OpenAI SDK against the embedded simulator, whose policy calls are each held a while
 * on a two-connection pool.
 */
import OpenAI from 'openai';
import type { RunningServer } from '../../src/main';
import { startTestServer } from './start-test-server';

const MODEL = 'qwen2.5-1.5b-instruct';
const BATCH_REQUESTS = 10;

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
      TTS_PROXY__SERVER__API_KEYS:
        '[{name: batch, key_env: BATCH_KEY}, {name: interactive, key_env: INTERACTIVE_KEY}]',
      BATCH_KEY: 'sk-batch-1',
      INTERACTIVE_KEY: 'sk-interactive-2',
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
