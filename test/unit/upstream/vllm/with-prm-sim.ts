import { startSimulator, type RunningSimulator } from '../../../../src/sim';
import { createUpstreamClient, type UpstreamClient } from '../../../../src/upstream';

/** A PRM simulator of `family` (seed 7) and a client for it, closed after `run`. */
export async function withPrmSim<T>(
  family: 'skywork-o1' | 'rlhflow',
  run: (client: UpstreamClient, model: string, sim: RunningSimulator) => Promise<T>,
): Promise<T> {
  const model = `sim-${family}`;
  const sim = await startSimulator({
    role: 'prm',
    seed: 7,
    model: { servedName: model, paramsB: 1.5, family },
  });
  const client = createUpstreamClient({
    name: 'prm',
    baseUrl: sim.url,
    timeoutMs: 5000,
    maxConnections: 4,
    retries: 0,
  });
  try {
    return await run(client, model, sim);
  } finally {
    await client.close();
    await sim.close();
  }
}
