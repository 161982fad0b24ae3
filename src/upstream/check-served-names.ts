/**
 * Start-up check that an upstream serves the names the config sends as `model`. vLLM answers
 * 404 ("The model `X` does not exist.") to every request naming a model it does not serve, so a
 * misnamed `served_name` would fail every chat: a reachable upstream that lacks one is refused at
 * start-up, naming both sides. An unreachable one cannot be checked yet; the caller keeps it
 * "not ready" until a later check passes.
 */
import { ConfigError } from '../errors';

export interface ExpectedServedName {
  /** Config path of the field, e.g. `models.0.served_name`. */
  configPath: string;
  servedName: string;
}

/**
 * @param served the ids the upstream lists in `/v1/models`.
 * @throws ConfigError naming the configured name and what the upstream serves.
 */
export function checkServedNames(
  upstream: string,
  served: readonly string[],
  expected: readonly ExpectedServedName[],
): void {
  for (const item of expected) {
    if (served.includes(item.servedName)) continue;
    const listing = served.length > 0 ? served.map((id) => `'${id}'`).join(', ') : 'no model';
    throw new ConfigError(
      item.configPath,
      `'${item.servedName}' is not served by upstream '${upstream}', which serves ${listing} (/v1/models). Set served_name to the server's --served-model-name (default: the --model path or id).`,
    );
  }
}
