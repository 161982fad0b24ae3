/**
 * `tts_strategy: auto` through the real server (simulated upstreams): easy problems get Best-of-N
 * that stops early, counted in /metrics; strategy-table config errors name the field.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import pino from 'pino';
import request from 'supertest';
import { ConfigError } from '../../src/errors';
import { startServer, type RunningServer } from '../../src/main';
import { expectedPassAtOne, generateProblems } from '../../src/sim';
import { DEFAULT_CONFIG, startTestServer } from './start-test-server';

const MODEL = 'qwen2.5-1.5b-instruct';
const EASY = generateProblems({ seed: 99, count: 200 })
  .filter((p) => expectedPassAtOne(1.5, p.difficulty) > 0.9)
  .slice(0, 6);

interface AutoWire {
  probe_samples: number;
  difficulty: { bin: string } | null;
  early_stop: { stopped: boolean; samples_saved: number; samples_drawn: number } | null;
  budget_spent: number;
}

describe('auto through the proxy', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('runs Best-of-N on easy problems and stops once the vote is decided', async () => {
    expect(EASY.length).toBe(6);
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    let saved = 0;
    let stoppedEarly = 0;
    for (const [i, problem] of EASY.entries()) {
      const completion = await client.chat.completions.create({
        model: MODEL,
        messages: [{ role: 'user', content: problem.problem }],
        seed: 40 + i,
        // @ts-expect-error proxy extra
        tts_budget: 64,
      });
      const tts = (
        completion as unknown as { tts: { method: string; auto: AutoWire; candidates: number } }
      ).tts;
      expect(tts.auto.probe_samples).toBe(4);
      if (tts.auto.difficulty?.bin !== 'easy') continue;
      expect(tts.method).toBe('best_of_n');
      expect(tts.auto.early_stop).not.toBeNull();
      expect(tts.candidates).toBe(tts.auto.budget_spent);
      if (tts.auto.early_stop?.stopped) {
        stoppedEarly += 1;
        saved += tts.auto.early_stop.samples_saved;
        expect(tts.auto.budget_spent + tts.auto.early_stop.samples_saved).toBe(64);
      }
    }
    // Easy problems agree early: most of the budget of 64 is never drawn.
    expect(stoppedEarly).toBeGreaterThanOrEqual(3);
    const metrics = await request(server.url).get('/metrics');
    const line = metrics.text
      .split('\n')
      .find((l) =>
        l.startsWith('tts_proxy_tts_early_stop_saved_samples_total{method="best_of_n"}'),
      );
    expect(Number(line?.split(' ').pop())).toBe(saved);
    expect(metrics.text).toMatch(
      /tts_proxy_tts_auto_choices_total\{bin="easy",method="best_of_n"\} \d+/,
    );
  });
});

describe('strategy table config', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tts-auto-'));
  const base = readFileSync(DEFAULT_CONFIG, 'utf8');

  async function startWith(yaml: string): Promise<RunningServer> {
    const file = path.join(dir, `config-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, yaml);
    return startServer({
      configPath: file,
      logger: pino({ level: 'silent' }),
      port: 0,
      host: '127.0.0.1',
      env: {},
    });
  }

  it('names tts.strategy_table when the file is missing', async () => {
    const yaml = base.replace(/^tts:\n/m, 'tts:\n  strategy_table: no-such-table.yaml\n');
    await expect(startWith(yaml)).rejects.toThrow(ConfigError);
    await expect(startWith(yaml)).rejects.toThrow(/tts\.strategy_table/);
  });

  it('names models.0.strategy_table and the bad row when a table is invalid', async () => {
    writeFileSync(
      path.join(dir, 'broken.yaml'),
      'version: 1\nname: broken\nrows:\n  - method: warp_drive\n',
    );
    const yaml = base.replace(
      /(\n {4}step_api: completions\n)/,
      '$1    strategy_table: broken.yaml\n',
    );
    await expect(startWith(yaml)).rejects.toThrow(/models\.0\.strategy_table/);
  });

  it('loads a table relative to the config file', async () => {
    writeFileSync(
      path.join(dir, 'mine.yaml'),
      readFileSync(path.resolve(__dirname, '../../config/strategy.yaml'), 'utf8').replace(
        'name: paper-default',
        'name: my-calibrated',
      ),
    );
    const running = await startWith(
      base.replace(/^tts:\n/m, 'tts:\n  strategy_table: mine.yaml\n'),
    );
    try {
      const response = await request(running.url)
        .post('/v1/chat/completions')
        .send({
          model: MODEL,
          messages: [{ role: 'user', content: 'What is 17 + 25?' }],
          tts_budget: 8,
        });
      expect(response.status).toBe(200);
      expect(response.body.tts.auto.table).toBe('my-calibrated');
    } finally {
      await running.close();
    }
  });
});
