/**
 * The proxy an eval runs through: a running one at `--url`, or one started in-process per arm
 * (`app/`), and the model to request when none is named.
 */
import path from 'node:path';
import pino from 'pino';
import { startServer } from '../app';
import { ConfigError } from '../errors';
import { modelListWire } from './chat-response-wire';
import type { ArmName } from './eval-types';

/** What of the run's options the proxy depends on. */
export interface ProxyOptions {
  url?: string;
  configPath?: string;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

export function defaultConfigPath(): string {
  return path.resolve(__dirname, '..', '..', 'config', 'default.yaml');
}

export async function resolveModel(url: string, apiKey: string | undefined): Promise<string> {
  const response = await fetch(`${url.replace(/\/+$/, '')}/v1/models`, {
    headers: apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` },
    signal: AbortSignal.timeout(30_000),
  }).catch((error: unknown) => {
    throw new ConfigError(
      '--url',
      `cannot reach ${url}/v1/models: ${error instanceof Error ? error.message : String(error)}`,
    );
  });
  const parsed = modelListWire.safeParse(await response.json().catch(() => null));
  const first = parsed.success ? parsed.data.data[0]?.id : undefined;
  if (!response.ok || first === undefined)
    throw new ConfigError(
      '--model',
      `could not list models at ${url}/v1/models (HTTP ${response.status}); pass --model`,
    );
  return first;
}

export interface Proxy {
  /** The base URL that serves an arm's requests. */
  urlFor(arm: ArmName): string;
  /** Any one of the URLs (model listing). */
  url: string;
  target: string;
  defaultModel: string | null;
  /** True when every arm has a proxy (and so a PRM score cache) of its own. */
  isArmIsolated: boolean;
  close(): Promise<void>;
}

/**
 * The proxy of a run. In-process: one proxy per arm, each with its own simulators and PRM score
 * cache, so an arm's PRM tokens and FLOPs do not depend on which arms ran before it (a shared
 * cache made the same beam search cost 5,993 PRM tokens alone and 1,554 after another arm).
 */
export async function openProxy(options: ProxyOptions, arms: readonly ArmName[]): Promise<Proxy> {
  if (options.url !== undefined) {
    const url = options.url;
    return {
      urlFor: () => url,
      url,
      target: url,
      defaultModel: null,
      isArmIsolated: false,
      close: async () => undefined,
    };
  }
  const configPath = options.configPath ?? defaultConfigPath();
  const servers = new Map<ArmName, Awaited<ReturnType<typeof startServer>>>();
  try {
    for (const arm of arms) {
      servers.set(
        arm,
        await startServer({
          configPath,
          ...(options.env ? { env: options.env } : {}),
          logger: pino({ level: 'silent' }),
          port: 0,
          host: '127.0.0.1',
        }),
      );
    }
  } catch (error) {
    await Promise.all([...servers.values()].map((server) => server.close()));
    throw error;
  }
  const first = servers.get(arms[0] ?? 'cot') ?? [...servers.values()][0];
  if (!first) throw new ConfigError('--arms', 'needs at least one arm');
  const simulated = Object.keys(first.simulators);
  options.log?.(
    `started ${servers.size} in-process prox${servers.size === 1 ? 'y' : 'ies'} (one per arm) with ${configPath}${simulated.length > 0 ? ` (SIMULATED upstreams: ${simulated.join(', ')})` : ''}`,
  );
  return {
    urlFor: (arm) => (servers.get(arm) ?? first).url,
    url: first.url,
    target: `in-process (${path.relative(process.cwd(), configPath) || configPath})`,
    defaultModel: first.config.models[0]?.name ?? null,
    isArmIsolated: true,
    close: async () => {
      await Promise.all([...servers.values()].map((server) => server.close()));
    },
  };
}
