import { ConfigError } from '../../../../src/errors';
import { configurePrmFamily } from '../../../../src/prm';
import { startSimulator } from '../../../../src/sim';
import { checkPrmChatTemplate, createUpstreamClient } from '../../../../src/upstream';

describe('RLHFlow chat-template check at start-up (vLLM /tokenize with messages)', () => {
  it('passes when the server renders the probe conversation exactly as the proxy does', async () => {
    const sim = await startSimulator({
      role: 'prm',
      seed: 1,
      model: { servedName: 'sim-rlhflow', paramsB: 8, family: 'rlhflow', quality: 0.8 },
    });
    const client = createUpstreamClient({
      name: 'prm',
      baseUrl: sim.url,
      timeoutMs: 5000,
      maxConnections: 2,
      retries: 0,
    });
    try {
      const { family } = configurePrmFamily('rlhflow', undefined);
      await expect(
        checkPrmChatTemplate(client, 'sim-rlhflow', family, 'prms.0.family'),
      ).resolves.toBeUndefined();
    } finally {
      await client.close();
      await sim.close();
    }
  });

  it('refuses a server whose template differs (a Qwen chat model behind an rlhflow config)', async () => {
    const sim = await startSimulator({
      role: 'policy',
      seed: 1,
      model: { servedName: 'sim-qwen', paramsB: 1.5, family: 'qwen2.5' },
    });
    const client = createUpstreamClient({
      name: 'prm',
      baseUrl: sim.url,
      timeoutMs: 5000,
      maxConnections: 2,
      retries: 0,
    });
    try {
      const { family } = configurePrmFamily('rlhflow', undefined);
      const failure = await checkPrmChatTemplate(client, 'sim-qwen', family, 'prms.0.family').catch(
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(ConfigError);
      expect((failure as Error).message).toMatch(/first difference at token \d+/);
    } finally {
      await client.close();
      await sim.close();
    }
  });
});
