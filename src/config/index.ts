/** @module config — the YAML + env configuration, validated by zod. Only main/cli import it. */
export { configSchema, STRATEGIES, POLICY_FAMILIES, PRM_FAMILIES, UPSTREAM_KINDS } from './schema';
export type { Config, UpstreamConfig, ModelConfig, PrmConfig } from './schema';
export { loadConfig, parseConfig, applyEnvOverrides } from './load-config';
