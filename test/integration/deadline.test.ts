/**
 * A search whose deadline passes before any solution finished answers 504 deadline_exceeded
 * naming the deadline (issue 13: it was a 502 "upstream failed", and the log had no reason).
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import request from 'supertest';
import { startServer, type RunningServer } from '../../src/main';
import { DEFAULT_CONFIG } from './start-test-server';

describe('deadline before any solution', () => {
  let server: RunningServer;
  const lines: { level: number; msg: string; status?: number; url?: string }[] = [];
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(JSON.parse(chunk.toString()) as (typeof lines)[number]);
        callback();
      },
    });
    server = await startServer({
      configPath: DEFAULT_CONFIG,
      env: {
        TTS_PROXY__UPSTREAMS__POLICY__SIM__LATENCY__PER_CALL_MS: '1500',
        // The server's own default deadline, for requests that set none.
        TTS_PROXY__TTS__DEFAULT_TIMEOUT_MS: '300',
      },
      logger: pino({ level: 'info' }, sink),
      port: 0,
      host: '127.0.0.1',
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers 504 with the deadline, not a 502 blaming the upstream', async () => {
    const response = await request(server.url)
      .post('/v1/chat/completions')
      .send({
        model: 'qwen2.5-1.5b-instruct',
        messages: [{ role: 'user', content: 'What is 2 + 3?' }],
        tts_strategy: 'best_of_n',
        tts_budget: 4,
        tts_timeout_ms: 300,
      });
    expect(response.status).toBe(504);
    expect(response.body).toEqual({
      error: {
        message: expect.stringMatching(
          /^Deadline reached before any solution finished \(tts_timeout_ms 300\)/,
        ),
        type: 'server_error',
        param: null,
        code: 'deadline_exceeded',
      },
    });
    // The client's own deadline: a warning in the access log, never an error line.
    await new Promise((resolve) => setImmediate(resolve));
    const access = lines.find(
      (line) => line.msg === 'request completed' && line.url === '/v1/chat/completions',
    );
    expect(access).toMatchObject({ status: 504, level: 40 });
    expect(lines.filter((line) => line.level >= 50)).toEqual([]);
  });

  it("logs the server's default deadline running out as an error: the operator's, not the client's", async () => {
    lines.length = 0;
    const response = await request(server.url)
      .post('/v1/chat/completions')
      .send({
        model: 'qwen2.5-1.5b-instruct',
        messages: [{ role: 'user', content: 'What is 4 + 5?' }],
        tts_strategy: 'best_of_n',
        tts_budget: 4,
      });
    expect(response.status).toBe(504);
    expect(response.body.error.code).toBe('deadline_exceeded');
    expect(response.body.error.message).toMatch(/server's default of 300 ms/);
    await new Promise((resolve) => setImmediate(resolve));
    const access = lines.find(
      (line) => line.msg === 'request completed' && line.url === '/v1/chat/completions',
    );
    expect(access).toMatchObject({ status: 504, level: 50 });
  });
});
