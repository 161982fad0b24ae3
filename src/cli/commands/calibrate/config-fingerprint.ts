import type { Config, ModelConfig, PrmConfig } from '../../../config';
import { getPrmFamily } from '../../../prm';
import type { ProgressHeader } from './read-progress';

/**
 * The settings measurements depend on, keyed by where they live in the config. Upstream URLs are
 * left out (moving to another replica of the same model is fine); a simulator's seed and quality
 * are in, because they decide every simulated answer. `probe.max_samples` is in because records
 * keep only that many candidates for the probes.
 */
export function configFingerprint(
  config: Config,
  model: ModelConfig,
  prm: PrmConfig | null,
  probeMaxSamples: number,
): ProgressHeader['config'] {
  const upstreamOf = (name: string): string => {
    const upstream = config.upstreams[name];
    return upstream?.url === 'sim'
      ? `sim seed ${upstream.sim.seed} quality ${upstream.sim.quality ?? 'default'}`
      : 'server';
  };
  const family = prm ? getPrmFamily(prm.family) : null;
  return {
    'models[].served_name': model.served_name,
    'models[].family': model.family,
    'models[].step_api': model.step_api,
    'models[].upstream': upstreamOf(model.upstream),
    'prms[].name': prm?.name ?? null,
    'prms[].served_name': prm?.served_name ?? null,
    'prms[].family': prm?.family ?? null,
    'prms[].aggregation': prm ? (prm.aggregation ?? family?.defaults.aggregation ?? null) : null,
    'prms[].vote': prm ? (prm.vote ?? family?.defaults.vote ?? null) : null,
    'prms[].max_input_tokens': prm?.max_input_tokens ?? null,
    'prms[].upstream': prm ? upstreamOf(prm.upstream) : null,
    'tts.default_m': config.tts.default_m,
    'probe.max_samples': probeMaxSamples,
  };
}
