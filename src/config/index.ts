/** @module config — the YAML + env configuration, validated by zod. Only main/cli import it. */
export { configSchema, STRATEGIES, POLICY_FAMILIES, PRM_FAMILIES, UPSTREAM_KINDS } from './schema';
export type { Config, UpstreamConfig, ModelConfig, PrmConfig } from './schema';
export { loadConfig, parseConfig } from './load-config';
export { applyEnvOverrides, type EnvOverride } from './env-overrides';
