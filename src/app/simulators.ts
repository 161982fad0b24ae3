/**
 * The embedded simulators behind `url: sim` upstreams, and the server URLs of every upstream.
 */
import type { Logger } from 'pino';
import type { Config, ModelConfig, UpstreamConfig } from '../config';
import { ConfigError } from '../errors';
import { startSimulator, type RunningSimulator } from '../sim';

function upstreamRole(
  config: Config,
  upstreamName: string,
): { role: 'policy'; model: ModelConfig } | { role: 'prm'; prm: Config['prms'][number] } | null {
  const model = config.models.find((m) => m.upstream === upstreamName);
  const prm = config.prms.find((p) => p.upstream === upstreamName);
  if (model && prm)
    throw new ConfigError(
      `upstreams.${upstreamName}`,
      'a simulated upstream serves one model: a policy or a PRM, not both',
    );
  if (model) return { role: 'policy', model };
  if (prm) return { role: 'prm', prm };
  return null;
}

/** The policy a simulated PRM judges: the first model that uses it (docs/simulated-world.md). */
function judgedPolicyOf(
  config: Config,
  prmName: string,
): { family: 'qwen2.5' | 'llama-3' | 'deepseek-r1-distill'; paramsB: number } | null {
  const model = config.models.find((m) => m.prm === prmName);
  if (!model) return null;
  return {
    family: model.family === 'qwen2.5-math' ? 'qwen2.5' : model.family,
    paramsB: model.params_b,
  };
}

export async function startSimulators(
  config: Config,
  logger: Logger,
): Promise<Record<string, RunningSimulator[]>> {
  const simulators: Record<string, RunningSimulator[]> = {};
  for (const [name, upstream] of Object.entries(config.upstreams)) {
    // A replayed upstream answers from its recording: no simulator runs.
    if (upstream.url !== 'sim' || upstream.replay !== undefined) continue;
    const role = upstreamRole(config, name);
    if (!role) continue;
    const sim = upstream.sim;
    const common = {
      seed: sim.seed,
      host: '127.0.0.1',
      port: 0,
      latency: {
        perCallMs: sim.latency.per_call_ms,
        prefillMsPerToken: sim.latency.prefill_ms_per_token,
        decodeMsPerToken: sim.latency.decode_ms_per_token,
      },
      faults: {
        errorRate: sim.faults.error_rate,
        timeoutRate: sim.faults.timeout_rate,
        slowRate: sim.faults.slow_rate,
        slowMs: sim.faults.slow_ms,
        malformedRate: sim.faults.malformed_rate,
      },
      log: (line: string) => logger.info({ upstream: name, simulated: true }, line),
    };
    const replicas: RunningSimulator[] = [];
    // Same seed for every replica: a pool of simulators answers like one, whichever replica serves.
    for (let replica = 0; replica < sim.replicas; replica++) {
      replicas.push(
        role.role === 'policy'
          ? await startSimulator({
              ...common,
              role: 'policy',
              model: {
                servedName: role.model.served_name,
                paramsB: role.model.params_b,
                family: role.model.family === 'qwen2.5-math' ? 'qwen2.5' : role.model.family,
                ...(sim.max_model_len !== undefined ? { maxModelLen: sim.max_model_len } : {}),
              },
            })
          : await startSimulator({
              ...common,
              role: 'prm',
              model: {
                servedName: role.prm.served_name,
                paramsB: role.prm.params_b,
                family: role.prm.family,
                ...(sim.quality === undefined ? {} : { quality: sim.quality }),
                judgedPolicy: judgedPolicyOf(config, role.prm.name),
                maxModelLen: role.prm.max_input_tokens,
              },
            }),
      );
    }
    simulators[name] = replicas;
    logger.warn(
      { upstream: name, url: replicas.map((replica) => replica.url) },
      `upstream '${name}' is SIMULATED (no GPU): answers come from a synthetic math world, not a real model. ` +
        `To use real vLLM, set upstreams.${name}.url (e.g. TTS_PROXY__UPSTREAMS__${name.toUpperCase()}__URL=http://gpu-host:8000).`,
    );
  }
  return simulators;
}

/** The servers of an upstream: its url, its replicas, or its running simulators. */
export function upstreamUrls(
  name: string,
  upstream: UpstreamConfig,
  simulators: Record<string, RunningSimulator[]>,
): string[] {
  if (upstream.replicas !== undefined) return upstream.replicas;
  if (upstream.url !== 'sim') return upstream.url === undefined ? [] : [upstream.url];
  const sims = simulators[name];
  if (!sims)
    throw new ConfigError(
      `upstreams.${name}.url`,
      "'sim' upstream is not used by any model or prm",
    );
  return sims.map((sim) => sim.url);
}
