import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import pino from 'pino';
import { ConfigError } from '../../src/errors';
import { startServer } from '../../src/main';
import { startSimulator } from '../../src/sim';

const CONFIG = path.resolve(__dirname, '../../config/vllm.yaml');

function start(env: Record<string, string>): ReturnType<typeof startServer> {
  return startServer({
    configPath: CONFIG,
    env: { TTS_PROXY__AB__SHADOW_RATE: '0', ...env },
    logger: pino({ level: 'silent' }),
    port: 0,
    host: '127.0.0.1',
  });
}

/** A port nothing listens on now (taken, then given back). */
async function freePort(): Promise<number> {
  const holder: Server = createServer();
  holder.listen(0, '127.0.0.1');
  await once(holder, 'listening');
  const port = (holder.address() as AddressInfo).port;
  holder.close();
  await once(holder, 'close');
  return port;
}

describe('start-up checks against the real upstreams', () => {
  it('refuses to start when a reachable upstream does not serve the configured served_name, naming both', async () => {
    const policy = await startSimulator({
      role: 'policy',
      seed: 1,
      model: { servedName: 'sim-other-model', paramsB: 1.5, family: 'qwen2.5' },
    });
    const prm = await startSimulator({
      role: 'prm',
      seed: 2,
      model: { servedName: 'sim-prm', paramsB: 7, family: 'qwen2.5-math-prm', quality: 0.8 },
    });
    try {
      const failure = await start({
        TTS_PROXY__UPSTREAMS__POLICY__URL: policy.url,
        TTS_PROXY__UPSTREAMS__PRM__URL: prm.url,
      }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ConfigError);
      const message = (failure as Error).message;
      expect(message).toMatch(/models\.0\.served_name/);
      expect(message).toContain("'Qwen/Qwen2.5-1.5B-Instruct'");
      expect(message).toContain("'sim-other-model'");
    } finally {
      await policy.close();
      await prm.close();
    }
  });

  it('reports a simulator on a URL (`tts-proxy sim`) as simulated, as it does its own', async () => {
    const policy = await startSimulator({
      role: 'policy',
      seed: 1,
      model: { servedName: 'sim-policy', paramsB: 1.5, family: 'qwen2.5' },
    });
    const prm = await startSimulator({
      role: 'prm',
      seed: 2,
      model: { servedName: 'sim-prm', paramsB: 7, family: 'qwen2.5-math-prm', quality: 0.8 },
    });
    const proxy = await start({
      TTS_PROXY__UPSTREAMS__POLICY__URL: policy.url,
      TTS_PROXY__UPSTREAMS__PRM__URL: prm.url,
      TTS_PROXY__MODELS__0__SERVED_NAME: 'sim-policy',
      TTS_PROXY__PRMS__0__SERVED_NAME: 'sim-prm',
    });
    try {
      const models = (await (await fetch(`${proxy.url}/v1/models`)).json()) as {
        data: { simulated?: boolean }[];
      };
      expect(models.data[0]?.simulated).toBe(true);
      const health = (await (await fetch(`${proxy.url}/health`)).json()) as {
        upstreams: Record<string, { simulated: boolean }>;
      };
      expect(health.upstreams.policy?.simulated).toBe(true);
      expect(health.upstreams.prm?.simulated).toBe(true);
    } finally {
      await proxy.close();
      await policy.close();
      await prm.close();
    }
  });

  it('refuses a PRM readout known to give wrong scores (STEP pooling on Math-Shepherd)', async () => {
    const failure = await start({
      TTS_PROXY__PRMS__0__FAMILY: 'math-shepherd',
      TTS_PROXY__PRMS__0__READOUT: 'pooling',
      TTS_PROXY__UPSTREAMS__POLICY__URL: 'http://127.0.0.1:9',
      TTS_PROXY__UPSTREAMS__PRM__URL: 'http://127.0.0.1:9',
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as Error).message).toMatch(/prms\.0\.readout.*16545/s);
  });

  it('starts when an upstream is unreachable, and /health is not ready until its names are checked', async () => {
    // Start the proxy against a port while nothing listens there, then serve it.
    const port = await freePort();
    const prm = await startSimulator({
      role: 'prm',
      seed: 2,
      model: {
        servedName: 'Qwen/Qwen2.5-Math-PRM-7B-sim',
        paramsB: 7,
        family: 'qwen2.5-math-prm',
        quality: 0.8,
      },
    });
    const proxy = await start({
      TTS_PROXY__UPSTREAMS__POLICY__URL: `http://127.0.0.1:${port}`,
      TTS_PROXY__UPSTREAMS__PRM__URL: prm.url,
      TTS_PROXY__PRMS__0__SERVED_NAME: 'Qwen/Qwen2.5-Math-PRM-7B-sim',
    });
    const policy = await startSimulator({
      role: 'policy',
      seed: 1,
      port,
      model: { servedName: 'Qwen/Qwen2.5-1.5B-Instruct-sim', paramsB: 1.5, family: 'qwen2.5' },
    });
    try {
      // Reachable now, but it serves another name: the upstream stays down, with the reason.
      const health = (await (await fetch(`${proxy.url}/health`)).json()) as {
        upstreams: Record<string, { status: string; error?: string }>;
      };
      expect(health.upstreams.policy?.status).toBe('down');
      expect(health.upstreams.policy?.error).toContain("'Qwen/Qwen2.5-1.5B-Instruct'");
      expect(health.upstreams.prm?.status).toBe('ok');
    } finally {
      await proxy.close();
      await policy.close();
      await prm.close();
    }
  });

  it('detects an upstream that comes up after the start, with no /health request: a simulator found then marks its answers simulated', async () => {
    const port = await freePort();
    const prm = await startSimulator({
      role: 'prm',
      seed: 2,
      model: { servedName: 'Qwen/Qwen2.5-Math-PRM-7B-sim', paramsB: 7, family: 'qwen2.5-math-prm' },
    });
    const proxy = await start({
      TTS_PROXY__UPSTREAMS__POLICY__URL: `http://127.0.0.1:${port}`,
      TTS_PROXY__UPSTREAMS__PRM__URL: prm.url,
      TTS_PROXY__PRMS__0__SERVED_NAME: 'Qwen/Qwen2.5-Math-PRM-7B-sim',
      TTS_PROXY__MODELS__0__SERVED_NAME: 'Qwen/Qwen2.5-1.5B-Instruct-sim',
    }).catch(async (error: unknown) => {
      await prm.close();
      throw error;
    });
    const policy = await startSimulator({
      role: 'policy',
      seed: 1,
      port,
      model: { servedName: 'Qwen/Qwen2.5-1.5B-Instruct-sim', paramsB: 1.5, family: 'qwen2.5' },
    });
    try {
      const listed = async (): Promise<
        { id: string; simulated?: boolean; max_model_len?: number }[]
      > =>
        (
          (await (await fetch(`${proxy.url}/v1/models`)).json()) as {
            data: { id: string; simulated?: boolean; max_model_len?: number }[];
          }
        ).data;
      expect((await listed()).find((m) => m.id === 'qwen2.5-1.5b-instruct')?.simulated).toBe(false);
      // The first probe comes a second after the start, the next two seconds later.
      const deadline = Date.now() + 8000;
      while (
        (await listed()).find((m) => m.id === 'qwen2.5-1.5b-instruct')?.simulated !== true &&
        Date.now() < deadline
      )
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect((await listed()).find((m) => m.id === 'qwen2.5-1.5b-instruct')?.simulated).toBe(true);
      // And its context, as vLLM's own list states it.
      expect(
        (await listed()).find((m) => m.id === 'qwen2.5-1.5b-instruct')?.max_model_len,
      ).toBeGreaterThan(0);
      const answer = (await (
        await fetch(`${proxy.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            model: 'qwen2.5-1.5b-instruct',
            messages: [{ role: 'user', content: 'What is 3 + 4?' }],
            tts_budget: 4,
          }),
        })
      ).json()) as { tts?: { simulated?: boolean } };
      expect(answer.tts?.simulated).toBe(true);
    } finally {
      await proxy.close();
      await policy.close();
      await prm.close();
    }
  });
});
