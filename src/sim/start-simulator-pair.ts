import type {
  RunningSimulator,
  SimFaults,
  SimLatency,
  SimPolicyModel,
  SimPrmModel,
} from './sim-options';
import { startSimulator } from './start-simulator';

export interface SimulatorPairOptions {
  seed: number;
  policy: SimPolicyModel;
  prm: SimPrmModel;
  host?: string;
  /** 0 (default) = ephemeral. */
  policyPort?: number;
  prmPort?: number;
  latency?: Partial<SimLatency>;
  faults?: Partial<SimFaults>;
  apiKey?: string;
  log?: (line: string) => void;
}

export interface SimulatorPair {
  policy: RunningSimulator;
  prm: RunningSimulator;
  close(): Promise<void>;
}

/** Starts a policy server and a PRM server that share one seed (what `tts-proxy sim` runs). */
export async function startSimulatorPair(options: SimulatorPairOptions): Promise<SimulatorPair> {
  const shared = {
    seed: options.seed,
    ...(options.host !== undefined && { host: options.host }),
    ...(options.latency !== undefined && { latency: options.latency }),
    ...(options.faults !== undefined && { faults: options.faults }),
    ...(options.apiKey !== undefined && { apiKey: options.apiKey }),
    ...(options.log !== undefined && { log: options.log }),
  };
  const policy = await startSimulator({
    ...shared,
    role: 'policy',
    model: options.policy,
    port: options.policyPort ?? 0,
  });
  try {
    const prm = await startSimulator({
      ...shared,
      role: 'prm',
      model: options.prm,
      port: options.prmPort ?? 0,
    });
    return {
      policy,
      prm,
      close: async () => void (await Promise.all([policy.close(), prm.close()])),
    };
  } catch (error) {
    await policy.close();
    throw error;
  }
}
