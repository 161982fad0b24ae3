/**
 * Bench child: one simulated vLLM server (policy or PRM, as the proxy's default config names
 * them) with the latency model given in `BENCH_SIM` (JSON). Stats and resets over IPC.
 */
import { startSimulator, type SimLatency } from '../../../src/sim';
import { serveChild } from '../lib/child-protocol';
import { SIM_POLICY_NAME, SIM_PRM_NAME } from '../lib/sim-names';

export interface SimChildOptions {
  role: 'policy' | 'prm';
  latency: SimLatency;
  /** Policy only: symbolic answer forms (fractions, radicals, intervals, tuples). */
  answerForms?: boolean | 'all-distinct';
}

async function main(): Promise<void> {
  const options = JSON.parse(process.env.BENCH_SIM ?? '{}') as SimChildOptions;
  const sim =
    options.role === 'policy'
      ? await startSimulator({
          role: 'policy',
          seed: 1234,
          latency: options.latency,
          model: { servedName: SIM_POLICY_NAME, paramsB: 1.5, family: 'qwen2.5' },
          ...(options.answerForms !== undefined ? { answerForms: options.answerForms } : {}),
        })
      : await startSimulator({
          role: 'prm',
          seed: 4321,
          latency: options.latency,
          model: {
            servedName: SIM_PRM_NAME,
            paramsB: 7,
            family: 'qwen2.5-math-prm',
            quality: 0.85,
            maxModelLen: 4096,
          },
        });
  serveChild({ url: sim.url }, { stats: () => sim.stats(), reset: () => sim.resetStats() }, () =>
    sim.close(),
  );
}

void main();
