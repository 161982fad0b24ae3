/** The client API keys the server accepts, read from the env vars the config names. */
import type { Config } from '../config';
import { ConfigError } from '../errors';
import type { ApiKeyPolicy } from '../server';

/** Client keys from `server.api_key_envs` (no limits) and `server.api_keys` (with limits), read from env. */
export function clientApiKeys(config: Config, env: NodeJS.ProcessEnv): ApiKeyPolicy[] {
  const { api_key_envs: plainEnvs, api_keys: limited } = config.server;
  const keys: ApiKeyPolicy[] = [];
  for (const name of plainEnvs) {
    const key = env[name];
    if (key) keys.push({ name, key, maxBudget: null, requestsPerMinute: null });
  }
  if (plainEnvs.length > 0 && keys.length === 0) {
    throw new ConfigError(
      'server.api_key_envs',
      'none of the listed env vars is set; refusing to start without the configured client keys',
    );
  }
  limited.forEach((entry, index) => {
    const field = `server.api_keys.${index}.key_env`;
    const key = env[entry.key_env];
    // A limited key that is missing would silently leave its holder locked out: refuse instead.
    if (!key) throw new ConfigError(field, `env var ${entry.key_env} is not set`);
    // The first matching entry wins, so a key listed twice would escape its limits.
    if (keys.some((other) => other.key === key))
      throw new ConfigError(
        field,
        `env var ${entry.key_env} holds a key that is already accepted (in api_key_envs or an earlier api_keys entry); list each key once`,
      );
    keys.push({
      name: entry.name,
      key,
      maxBudget: entry.max_budget ?? null,
      requestsPerMinute: entry.requests_per_minute ?? null,
    });
  });
  return keys;
}
