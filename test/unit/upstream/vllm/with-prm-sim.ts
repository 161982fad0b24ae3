import { configurePrmFamily, type PrmFamily, type PrmFamilyName } from '../../../../src/prm';
import { startSimulator, type RunningSimulator, type SimVllmVersion } from '../../../../src/sim';
import type { Verifier } from '../../../../src/tts';
import {
  createPrmVerifier,
  createUpstreamClient,
  type UpstreamClient,
} from '../../../../src/upstream';
import type { PrmVerifierOptions } from '../../../../src/upstream/vllm/prm-verifier';

/** How a test's PRM simulator differs from the default one (seed 7, a 1.5B model). */
export interface PrmSimSetup {
  seed?: number;
  paramsB?: number;
  quality?: number;
  maxModelLen?: number;
  vllmVersion?: SimVllmVersion;
}

/** A PRM simulator of `family` and a client for it, closed after `run`. */
export async function withPrmSim<T>(
  family: 'math-shepherd' | 'skywork-o1' | 'qwen2.5-math-prm' | 'rlhflow',
  run: (client: UpstreamClient, model: string, sim: RunningSimulator) => Promise<T>,
  setup: PrmSimSetup = {},
): Promise<T> {
  const model = `sim-${family}`;
  const { seed = 7, paramsB = 1.5, quality, maxModelLen, vllmVersion } = setup;
  const sim = await startSimulator({
    role: 'prm',
    seed,
    model: {
      servedName: model,
      paramsB,
      family,
      ...(quality !== undefined ? { quality } : {}),
      ...(maxModelLen !== undefined ? { maxModelLen } : {}),
    },
    ...(vllmVersion !== undefined ? { vllmVersion } : {}),
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

/**
 * A PRM verifier of the configured `familyName` on `client`, with no score cache (every test
 * sees its own upstream calls); `options` overrides the rest (context size, route, ...).
 */
export function uncachedVerifier(
  familyName: PrmFamilyName,
  client: UpstreamClient,
  servedName: string,
  options: Partial<PrmVerifierOptions> = {},
): { verifier: Verifier; family: PrmFamily } {
  const { family } = configurePrmFamily(familyName, undefined);
  const verifier = createPrmVerifier({
    client,
    servedName,
    family,
    maxInputTokens: 4096,
    cache: null,
    ...options,
  });
  return { verifier, family };
}
