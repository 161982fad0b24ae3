/**
 * Record and replay through the real server: record TTS requests (and a plain streamed chat)
 * against the simulators, stop them, replay the recordings with no upstream running, and get
 * identical answers. Startup probes (/version, /v1/models, /pooling, /tokenize) replay too.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import request from 'supertest';
import { startServer, type RunningServer } from '../../src/main';

const MODEL = 'qwen2.5-1.5b-instruct';
const STRATEGY_TABLE = path.resolve(__dirname, '../../config/strategy.yaml');

function config(mode: 'record' | 'replay'): string {
  return `server: { log_level: silent }
upstreams:
  policy:
    url: sim
    ${mode}: runs/policy.jsonl
    sim: { seed: 1234 }
  prm:
    url: sim
    ${mode}: runs/prm.jsonl
    sim: { seed: 4321, quality: 0.85 }
models:
  - name: ${MODEL}
    upstream: policy
    served_name: sim-qwen2.5-1.5b-instruct
    params_b: 1.5
    family: qwen2.5
    prm: qwen2.5-math-prm-7b
prms:
  - name: qwen2.5-math-prm-7b
    upstream: prm
    served_name: sim-qwen2.5-math-prm-7b
    family: qwen2.5-math-prm
    params_b: 7
tts:
  strategy_table: ${STRATEGY_TABLE}
`;
}

const REQUESTS = [
  {
    question:
      'A library has 120 books and lends out 45. It buys 30 more. How many books does it have?',
    strategy: 'best_of_n',
    n: 8,
    seed: 11,
  },
  {
    question: 'What is the sum of the first 20 positive odd numbers?',
    strategy: 'beam_search',
    n: 8,
    seed: 12,
  },
  {
    question: 'A box holds 6 eggs. How many boxes are needed for 75 eggs?',
    strategy: 'best_of_n',
    n: 4,
    seed: 13,
  },
];

interface Answer {
  content: string;
  selectedAnswer: string | null;
  method: string;
}

async function runAll(server: RunningServer): Promise<{ answers: Answer[]; streamed: string }> {
  const answers: Answer[] = [];
  // One at a time, in a fixed order: the PRM score cache makes later calls depend on earlier ones.
  for (const { question, strategy, n, seed } of REQUESTS) {
    const response = await request(server.url)
      .post('/v1/chat/completions')
      .send({
        model: MODEL,
        messages: [{ role: 'user', content: question }],
        seed,
        tts_budget: { n, strategy },
      });
    expect(response.status).toBe(200);
    answers.push({
      content: response.body.choices[0].message.content,
      selectedAnswer: response.body.tts.selected_answer,
      method: response.body.tts.method,
    });
  }
  // A plain streamed chat (no search) goes through postStream and replays chunk by chunk.
  const streamed = await request(server.url)
    .post('/v1/chat/completions')
    .send({
      model: MODEL,
      messages: [{ role: 'user', content: 'What is 2 + 3?' }],
      seed: 3,
      stream: true,
    });
  expect(streamed.status).toBe(200);
  return { answers, streamed: contentOfSse(streamed.text) };
}

function contentOfSse(text: string): string {
  return text
    .split('\n')
    .filter((line) => line.startsWith('data: {'))
    .map(
      (line) =>
        (JSON.parse(line.slice(6)) as { choices?: { delta?: { content?: string } }[] }).choices?.[0]
          ?.delta?.content ?? '',
    )
    .join('');
}

async function start(file: string): Promise<RunningServer> {
  return startServer({
    configPath: file,
    env: {},
    logger: pino({ level: 'silent' }),
    port: 0,
    host: '127.0.0.1',
  });
}

describe('record, then replay with the simulators stopped', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tts-replay-'));
    writeFileSync(path.join(dir, 'record.yaml'), config('record'));
    writeFileSync(path.join(dir, 'replay.yaml'), config('replay'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives identical answers and selected answers', async () => {
    const recording = await start(path.join(dir, 'record.yaml'));
    expect(Object.keys(recording.simulators).sort()).toEqual(['policy', 'prm']);
    const recorded = await runAll(recording);
    await recording.close();

    const lines = readFileSync(path.join(dir, 'runs/policy.jsonl'), 'utf8').trim().split('\n');
    const paths = new Set(lines.map((line) => (JSON.parse(line) as { path: string }).path));
    expect([...paths]).toEqual(
      expect.arrayContaining([
        '/version',
        '/v1/models',
        '/tokenize',
        '/detokenize',
        '/v1/completions',
        '/v1/chat/completions',
      ]),
    );
    const prmPaths = new Set(
      readFileSync(path.join(dir, 'runs/prm.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { path: string }).path),
    );
    expect([...prmPaths]).toEqual(expect.arrayContaining(['/pooling', '/tokenize']));

    const replaying = await start(path.join(dir, 'replay.yaml'));
    try {
      // Nothing upstream runs: every answer comes from the recordings.
      expect(replaying.simulators).toEqual({});
      const replayed = await runAll(replaying);
      expect(replayed).toEqual(recorded);
      expect(recorded.answers.map((answer) => answer.method)).toEqual([
        'best_of_n',
        'beam_search',
        'best_of_n',
      ]);
      expect(recorded.answers.every((answer) => answer.selectedAnswer !== null)).toBe(true);
      expect(recorded.streamed.length).toBeGreaterThan(0);

      const health = await request(replaying.url).get('/health');
      expect(health.body).toMatchObject({
        status: 'ok',
        upstreams: { policy: { status: 'ok', replay: true }, prm: { status: 'ok', replay: true } },
      });

      // A request the recording never saw fails cleanly (502), not by hanging.
      const unseen = await request(replaying.url)
        .post('/v1/chat/completions')
        .send({
          model: MODEL,
          messages: [{ role: 'user', content: 'A question nobody recorded?' }],
          seed: 99,
          tts_budget: { n: 4, strategy: 'best_of_n' },
        });
      expect(unseen.status).toBe(502);
    } finally {
      await replaying.close();
    }
  });
});
